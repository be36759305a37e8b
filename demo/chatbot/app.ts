// The guide's chatbot (Interface State): the history is session state, one per page load.
import * as tr from "tradio";

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

function chat(message: string, history: [string, string][] = []) {
  let response: string;
  if (message.startsWith("How many")) response = String(1 + Math.floor(Math.random() * 10));
  else if (message.startsWith("How")) response = pick(["Great", "Good", "Okay", "Bad"]);
  else if (message.startsWith("Where")) response = pick(["Here", "There", "Somewhere"]);
  else response = "I don't know";
  history.push([message, response]);
  return [history, history];
}

export default new tr.Interface({
  fn: chat,
  inputs: ["text", "state"],
  outputs: ["chatbot", "state"],
  allowFlagging: "never",
  title: "Chatbot",
  description: "Ask *How*, *How many* or *Where* questions. Your history stays in this tab only.",
});
