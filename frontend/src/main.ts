// The global sheet first: theme variables and resets, then each component's own styles after it.
import "./global.css";
import { mount } from "svelte";
import App from "./App.svelte";

mount(App, { target: document.getElementById("app")! });
