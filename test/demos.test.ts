import { describe, expect, it } from "vitest";
import hello from "../demo/hello/app.js";
import chatbot from "../demo/chatbot/app.js";
import scoreTracker from "../demo/score_tracker/app.js";
import { connect, start } from "./helpers.js";

describe("demos", () => {
  it("hello greets", async () => {
    const app = await start(hello);
    try {
      const client = await connect(app.base);
      expect((await client.predict("/predict", ["World", 3])).data).toEqual(["Hello, World!!!"]);
    } finally {
      await app.close();
    }
  });

  it("chatbot keeps one history per client and answers as the guide does", async () => {
    const app = await start(chatbot);
    try {
      const a = await connect(app.base);
      const b = await connect(app.base);
      await a.predict("/predict", ["How are you?"]);
      const [history] = (await a.predict("/predict", ["Where are you?"])).data as [[string, string][]];
      expect(history.map((p) => p[0])).toEqual(["How are you?", "Where are you?"]);
      expect(["Great", "Good", "Okay", "Bad"]).toContain(history[0][1]);
      expect(["Here", "There", "Somewhere"]).toContain(history[1][1]);
      const [other] = (await b.predict("/predict", ["Hello"])).data as [[string, string][]];
      expect(other).toEqual([["Hello", "I don't know"]]);
    } finally {
      await app.close();
    }
  });

  it("score tracker shares one global list between all users", async () => {
    const app = await start(scoreTracker);
    try {
      const a = await connect(app.base);
      const b = await connect(app.base);
      await a.predict("/predict", [5]);
      await b.predict("/predict", [9]);
      await a.predict("/predict", [1]);
      expect((await b.predict("/predict", [7])).data).toEqual([[9, 7, 5]]);
    } finally {
      await app.close();
    }
  });
});
