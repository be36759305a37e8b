import { Component, type ComponentOptions, type JSONSchema } from "./component.js";
import { OptionError } from "../core/errors.js";
import { describe, type OptionKind } from "../core/options.js";
import { type ComponentContext } from "../core/context.js";

/** One exchange: the user's message and the bot's reply; either may be null (not written yet). */
export type ChatPair = [user: string | null, bot: string | null];
/** A message in the OpenAI-style "messages" format, accepted from the function and turned into pairs. */
export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

export interface ChatbotOptions extends ComponentOptions {
  /** Height of the chat area: pixels, or any CSS length. */
  height?: number | string;
  /** Shown while the chat is empty (Markdown). */
  placeholder?: string;
  /** Right-to-left text. */
  rtl?: boolean;
  /** Show a copy button on each message. */
  showCopyButton?: boolean;
  /** Render messages as Markdown on the page (default true); the server always sends the raw text. */
  renderMarkdown?: boolean;
  value?: ChatPair[] | ChatMessage[];
}

const LATEX_DELIMITERS = [{ left: "$$", right: "$$", display: true }];

/**
 * A chat history in Gradio's "tuples" format: a list of `[user, bot]` pairs. Gradio shortcut: "chatbot".
 * The function may also return the "messages" format (`{ role, content }` objects), which is turned
 * into pairs. A number as a message is sent as its text.
 *
 * @example
 * new tr.Interface({ fn: chat, inputs: ["text", "state"], outputs: [new tr.Chatbot({ label: "Chat" }), "state"] })
 */
export class Chatbot extends Component<ChatPair[], ChatPair[] | ChatMessage[]> {
  readonly type = "chatbot";
  readonly className = "Chatbot";
  readonly height: number | string | undefined;
  readonly placeholder: string | undefined;
  readonly rtl: boolean;
  readonly showCopyButton: boolean;
  readonly renderMarkdown: boolean;
  private readonly initial: ChatPair[];

  constructor(opts: ChatbotOptions = {}) {
    super(opts);
    const owner = this.constructor.name;
    this.height = opts.height;
    this.placeholder = opts.placeholder;
    this.rtl = opts.rtl ?? false;
    this.showCopyButton = opts.showCopyButton ?? false;
    this.renderMarkdown = opts.renderMarkdown ?? true;
    if (typeof this.height === "number" && (!Number.isFinite(this.height) || this.height <= 0)) {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "height" must be a positive number of pixels or a CSS length, got ${this.height}`);
    }
    this.initial = this.toPairs(opts.value, (m) => {
      throw new OptionError("TR_ERR_OPTION_INVALID", `${owner}: option "value" is invalid: ${m}`);
    });
  }

  protected override extraOptions(): Record<string, OptionKind> {
    return {
      height: (v) => typeof v === "number" || (typeof v === "string" && v.trim() !== ""),
      placeholder: "string",
      rtl: "boolean",
      showCopyButton: "boolean",
      renderMarkdown: "boolean",
    };
  }

  override props(): Record<string, unknown> {
    return {
      ...super.props(),
      type: "tuples",
      height: this.height ?? null,
      placeholder: this.placeholder ?? null,
      rtl: this.rtl,
      show_copy_button: this.showCopyButton,
      render_markdown: this.renderMarkdown,
      sanitize_html: true,
      latex_delimiters: LATEX_DELIMITERS.map((d) => ({ ...d })),
      line_breaks: true,
      likeable: false,
      layout: null,
      avatar_images: [null, null],
      value: this.initial.map((p) => [...p]),
    };
  }

  override async initialValue(_ctx?: ComponentContext): Promise<unknown> {
    return this.initial.map((p) => [...p]);
  }

  apiInfo(): JSONSchema {
    const message = { anyOf: [{ type: "string" }, { type: "null" }] };
    return {
      title: "ChatbotData",
      type: "array",
      items: { type: "array", items: message, minItems: 2, maxItems: 2 },
    };
  }
  exampleInput(): unknown {
    return [["Hello!", null]];
  }
  override pythonType(): string {
    return "List[Tuple[str | None, str | None]]";
  }

  preprocess(payload: unknown, _ctx?: ComponentContext): ChatPair[] {
    if (payload === null || payload === undefined) return [];
    if (!Array.isArray(payload)) this.fail(`expected a list of [user, bot] message pairs, got ${describe(payload)}`);
    return payload.map((pair, i) => this.toPair(pair, i, (m) => this.fail(m)));
  }

  postprocess(value: ChatPair[] | ChatMessage[], _ctx?: ComponentContext): ChatPair[] {
    return this.toPairs(value, (m) => this.fail(`the function returned an invalid value: ${m}`));
  }

  private toPairs(value: unknown, bad: (message: string) => never): ChatPair[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) bad(`expected a list of [user, bot] message pairs, got ${describe(value)}`);
    if (value.length > 0 && !Array.isArray(value[0])) return this.fromMessages(value, bad);
    return value.map((pair, i) => this.toPair(pair, i, bad));
  }

  private toPair(pair: unknown, i: number, bad: (message: string) => never): ChatPair {
    if (!Array.isArray(pair) || pair.length !== 2) {
      bad(`item ${i} must be a [user, bot] pair (an array of two messages), got ${describe(pair)}${Array.isArray(pair) ? ` of length ${pair.length}` : ""}`);
    }
    return [this.message(pair[0], `item ${i}, user message`, bad), this.message(pair[1], `item ${i}, bot message`, bad)];
  }

  private message(m: unknown, where: string, bad: (message: string) => never): string | null {
    if (m === null || m === undefined) return null;
    if (typeof m === "string") return m;
    if (typeof m === "number" && Number.isFinite(m)) return String(m);
    return bad(`${where} must be a string or null, got ${describe(m)}`);
  }

  /** `{ role, content }` messages → pairs: a user message opens a pair, an assistant message fills its reply. */
  private fromMessages(messages: unknown[], bad: (message: string) => never): ChatPair[] {
    const pairs: ChatPair[] = [];
    messages.forEach((msg, i) => {
      if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
        bad(`item ${i} must be a [user, bot] pair or a {role, content} message, got ${describe(msg)}`);
      }
      const { role, content } = msg as { role?: unknown; content?: unknown };
      if (role !== "user" && role !== "assistant") bad(`item ${i}: "role" must be "user" or "assistant", got ${describe(role ?? null)}`);
      const text = this.message(content, `item ${i}, content`, bad);
      const last = pairs[pairs.length - 1];
      if (role === "user") pairs.push([text, null]);
      else if (last !== undefined && last[1] === null) last[1] = text;
      else pairs.push([null, text]);
    });
    return pairs;
  }
}
