// The page half of the Rating component: an ExternalView (see tradio's src/protocol/types.ts). The page
// imports this module by the component's type name and calls mount() with an element to draw into.
export default {
  mount(target, { props, value, interactive, setValue }) {
    const max = Number(props.max) || 5;
    const group = document.createElement("div");
    group.className = "rating";
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-label", props.label || "rating");
    const stars = [];
    let current = Number(value) || 0;
    const draw = () =>
      stars.forEach((star, i) => {
        star.textContent = i < current ? "★" : "☆";
        star.setAttribute("aria-checked", String(i + 1 === current));
      });
    for (let i = 1; i <= max; i++) {
      const star = document.createElement("button");
      star.type = "button";
      star.setAttribute("role", "radio");
      star.setAttribute("aria-label", `${i} star${i === 1 ? "" : "s"}`);
      star.disabled = !interactive;
      star.style.cssText = "font-size:1.75rem;line-height:1;background:none;border:0;padding:0 .1rem;cursor:pointer;color:#f59e0b";
      star.addEventListener("click", () => {
        current = i;
        draw();
        setValue(i);
      });
      stars.push(star);
      group.appendChild(star);
    }
    draw();
    target.appendChild(group);
    return {
      update(next) {
        current = Number(next) || 0;
        draw();
      },
      destroy() {
        group.remove();
      },
    };
  },
};
