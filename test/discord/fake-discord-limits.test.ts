/**
 * Each Discord limit the fake enforces, at the limit (accepted) and one past it (rejected at the
 * path Discord names). The end-to-end tests in fake-discord.test.ts show the same checks reach a
 * real discord.js client as Discord's errors.
 */
import { describe, expect, it } from "vitest";
import {
  formErrors,
  isEmptyMessage,
  type Json,
  validateAutocomplete,
  validateCommands,
  validateMessage,
} from "../support/fake-discord/limits.js";

const message = (body: Json) =>
  validateMessage(body, { interactionResponse: true }).map((i) => i.path);
const row = (...components: Json[]) => ({ type: 1, components });
const button = (id: string, label = "ok") => ({ type: 2, style: 1, custom_id: id, label });
const select = (id: string, count: number, text = "x") => ({
  type: 3,
  custom_id: id,
  options: Array.from({ length: count }, (_, i) => ({
    label: `${text}${i}`,
    value: `${text}${i}`,
  })),
});

describe("message limits", () => {
  const cases: Array<[string, (n: number) => Json, number, string]> = [
    ["content", (n) => ({ content: "a".repeat(n) }), 2000, "content"],
    [
      "embed count",
      (n) => ({ embeds: Array.from({ length: n }, () => ({ title: "t" })) }),
      10,
      "embeds",
    ],
    ["embed title", (n) => ({ embeds: [{ title: "t".repeat(n) }] }), 256, "embeds.0.title"],
    [
      "embed description",
      (n) => ({ embeds: [{ description: "d".repeat(n) }] }),
      4096,
      "embeds.0.description",
    ],
    [
      "embed field count",
      (n) => ({
        embeds: [{ fields: Array.from({ length: n }, () => ({ name: "n", value: "v" })) }],
      }),
      25,
      "embeds.0.fields",
    ],
    [
      "field name",
      (n) => ({ embeds: [{ fields: [{ name: "n".repeat(n), value: "v" }] }] }),
      256,
      "embeds.0.fields.0.name",
    ],
    [
      "field value",
      (n) => ({ embeds: [{ fields: [{ name: "n", value: "v".repeat(n) }] }] }),
      1024,
      "embeds.0.fields.0.value",
    ],
    [
      "footer text",
      (n) => ({ embeds: [{ footer: { text: "f".repeat(n) } }] }),
      2048,
      "embeds.0.footer.text",
    ],
    [
      "author name",
      (n) => ({ embeds: [{ author: { name: "a".repeat(n) } }] }),
      256,
      "embeds.0.author.name",
    ],
    [
      "total embed text",
      (n) => ({
        embeds: [{ description: "d".repeat(4000) }, { description: "d".repeat(n - 4000) }],
      }),
      6000,
      "embeds",
    ],
    [
      "action rows",
      (n) => ({ components: Array.from({ length: n }, (_, i) => row(button(`b${i}`))) }),
      5,
      "components",
    ],
    [
      "buttons per row",
      (n) => ({ components: [row(...Array.from({ length: n }, (_, i) => button(`b${i}`)))] }),
      5,
      "components.0.components",
    ],
    [
      "custom_id",
      (n) => ({ components: [row(button("c".repeat(n)))] }),
      100,
      "components.0.components.0.custom_id",
    ],
    [
      "button label",
      (n) => ({ components: [row(button("b", "l".repeat(n)))] }),
      80,
      "components.0.components.0.label",
    ],
    [
      "select options",
      (n) => ({ components: [row(select("s", n))] }),
      25,
      "components.0.components.0.options",
    ],
  ];

  for (const [name, build, limit, path] of cases) {
    it(`${name}: ${limit} is accepted, ${limit + 1} is rejected at ${path}`, () => {
      expect(message(build(limit))).toEqual([]);
      expect(message(build(limit + 1))).toContain(path);
    });
  }

  it("counts embed text in UTF-16 units, like Discord (Japanese counts one per character)", () => {
    expect(message({ content: "あ".repeat(2000) })).toEqual([]);
    expect(message({ content: "あ".repeat(2001) })).toEqual(["content"]);
  });

  it("select option label and value ≤ 100, and one select per row", () => {
    const long = {
      type: 3,
      custom_id: "s",
      options: [{ label: "l".repeat(101), value: "v".repeat(101) }],
    };
    expect(message({ components: [row(long)] })).toEqual([
      "components.0.components.0.options.0.label",
      "components.0.components.0.options.0.value",
    ]);
    expect(message({ components: [row(select("s", 2), button("b"))] })).toContain(
      "components.0.components",
    );
    expect(message({ components: [row(select("s", 25))] })).toEqual([]);
  });

  it("custom ids are unique within a message; link buttons take a url, not a custom_id", () => {
    expect(message({ components: [row(button("same"), button("same"))] })).toEqual([
      "components.0.components.1.custom_id",
    ]);
    expect(
      message({ components: [row({ type: 2, style: 5, label: "docs", url: "https://x" })] }),
    ).toEqual([]);
    expect(message({ components: [row({ type: 2, style: 5, label: "docs" })] })).toEqual([
      "components.0.components.0.url",
    ]);
  });

  it("embed colour is an integer 0..0xFFFFFF; fields need a name and a value", () => {
    expect(message({ embeds: [{ color: 0x2ecc71 }] })).toEqual([]);
    expect(message({ embeds: [{ color: "#2ecc71" }] })).toEqual(["embeds.0.color"]);
    expect(message({ embeds: [{ color: 0x1000000 }] })).toEqual(["embeds.0.color"]);
    expect(message({ embeds: [{ fields: [{ name: "", value: "v" }] }] })).toEqual([
      "embeds.0.fields.0.name",
    ]);
  });

  it("flag 64 (ephemeral) only on interaction responses", () => {
    expect(validateMessage({ content: "x", flags: 64 }, { interactionResponse: true })).toEqual([]);
    expect(
      validateMessage({ content: "x", flags: 64 }, { interactionResponse: false })[0]?.path,
    ).toBe("flags");
  });

  it("allowed_mentions: parse values are known, parse and ids are exclusive", () => {
    expect(message({ content: "x", allowed_mentions: { parse: [] } })).toEqual([]);
    expect(message({ content: "x", allowed_mentions: { parse: ["all"] } })).toEqual([
      "allowed_mentions.parse.0",
    ]);
    expect(message({ content: "x", allowed_mentions: { parse: ["users"], users: ["1"] } })).toEqual(
      ["allowed_mentions.users"],
    );
  });

  it("an empty message has no content, embeds, components, files, stickers or poll", () => {
    expect(isEmptyMessage({ content: "" })).toBe(true);
    expect(isEmptyMessage({ content: "", embeds: [], components: [] })).toBe(true);
    expect(isEmptyMessage({ content: "x" })).toBe(false);
    expect(isEmptyMessage({ embeds: [{ title: "t" }] })).toBe(false);
    expect(isEmptyMessage({ attachments: [{ id: "0" }] })).toBe(false);
  });

  it("builds Discord's nested 50035 errors object", () => {
    const body = formErrors(
      validateMessage({ content: "a".repeat(2001) }, { interactionResponse: true }),
      "data",
    );
    expect(body).toEqual({
      code: 50035,
      message: "Invalid Form Body",
      errors: {
        data: {
          content: {
            _errors: [
              { code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." },
            ],
          },
        },
      },
    });
  });
});

describe("autocomplete limits", () => {
  const choices = (n: number, name = "n", value: string | number = "v") =>
    ({ choices: Array.from({ length: n }, () => ({ name, value })) }) as Json;

  it("≤ 25 choices", () => {
    expect(validateAutocomplete(choices(25))).toEqual([]);
    expect(validateAutocomplete(choices(26)).map((i) => i.path)).toEqual(["data.choices"]);
  });

  it("choice names 1..100 characters, string values ≤ 100", () => {
    expect(validateAutocomplete(choices(1, "名".repeat(100), "v".repeat(100)))).toEqual([]);
    expect(validateAutocomplete(choices(1, "")).map((i) => i.path)).toEqual([
      "data.choices.0.name",
    ]);
    expect(validateAutocomplete(choices(1, "n".repeat(101))).map((i) => i.path)).toEqual([
      "data.choices.0.name",
    ]);
    expect(validateAutocomplete(choices(1, "n", "v".repeat(101))).map((i) => i.path)).toEqual([
      "data.choices.0.value",
    ]);
    expect(validateAutocomplete(choices(1, "n", 3.5))).toEqual([]);
  });

  it("requires a choices array", () => {
    expect(validateAutocomplete({}).map((i) => i.path)).toEqual(["data.choices"]);
  });
});

describe("command registration limits", () => {
  const paths = (commands: unknown) => validateCommands(commands).map((i) => i.path);
  const ask = (patch: Json = {}) => ({ name: "ask", description: "質問する", ...patch });

  it("accepts the shapes a bot registers (Japanese descriptions and localizations included)", () => {
    expect(
      paths([
        ask({
          options: [
            { type: 3, name: "question", description: "質問", required: true },
            { type: 5, name: "private", description: "自分だけに表示" },
          ],
          description_localizations: { ja: "質問する" },
        }),
        { type: 3, name: "Ask michi" },
        {
          name: "learned",
          description: "d",
          options: [{ type: 3, name: "topic", description: "t", autocomplete: true }],
        },
      ]),
    ).toEqual([]);
  });

  it("CHAT_INPUT names are 1-32 lowercase characters without spaces", () => {
    expect(paths([ask({ name: "a".repeat(32) })])).toEqual([]);
    expect(paths([ask({ name: "a".repeat(33) })])).toEqual(["0.name"]);
    expect(paths([ask({ name: "Ask" })])).toEqual(["0.name"]);
    expect(paths([ask({ name: "ask me" })])).toEqual(["0.name"]);
    expect(paths([ask({ name: "質問" })])).toEqual([]);
  });

  it("descriptions are 1-100 characters; message commands have none", () => {
    expect(paths([ask({ description: "d".repeat(100) })])).toEqual([]);
    expect(paths([ask({ description: "d".repeat(101) })])).toEqual(["0.description"]);
    expect(paths([ask({ description: "" })])).toEqual(["0.description"]);
    expect(paths([{ type: 3, name: "Ask michi", description: "no" }])).toEqual(["0.description"]);
  });

  it("≤ 25 options, required before optional, unique names, choices ≤ 25 and not with autocomplete", () => {
    const option = (i: number, patch: Json = {}) => ({
      type: 3,
      name: `o${i}`,
      description: "d",
      ...patch,
    });
    expect(paths([ask({ options: Array.from({ length: 25 }, (_, i) => option(i)) })])).toEqual([]);
    expect(paths([ask({ options: Array.from({ length: 26 }, (_, i) => option(i)) })])).toEqual([
      "0.options",
    ]);
    expect(paths([ask({ options: [option(1), option(2, { required: true })] })])).toEqual([
      "0.options.1.required",
    ]);
    expect(paths([ask({ options: [option(1), option(1)] })])).toEqual(["0.options.1.name"]);
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `${i}` }));
    expect(paths([ask({ options: [option(1, { choices })] })])).toEqual(["0.options.0.choices"]);
    expect(
      paths([ask({ options: [option(1, { autocomplete: true, choices: choices.slice(0, 2) })] })]),
    ).toEqual(["0.options.0.autocomplete"]);
  });

  it("names are unique per command type", () => {
    expect(paths([ask(), ask()])).toEqual(["1.name"]);
    expect(paths([ask(), { type: 3, name: "ask" }])).toEqual([]);
  });
});
