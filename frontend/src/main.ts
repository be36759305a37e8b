import { mount } from "svelte";
import App from "./App.svelte";
import "./styles.css";

// `?__theme=dark` or `?__theme=light` forces a theme; otherwise prefers-color-scheme decides.
const forced = new URLSearchParams(window.location.search).get("__theme");
if (forced === "dark" || forced === "light") document.documentElement.classList.add(forced);

mount(App, { target: document.getElementById("app")! });
