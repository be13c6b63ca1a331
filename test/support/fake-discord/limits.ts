/**
 * Discord's documented request limits, checked the way Discord checks them: each broken rule is an
 * issue at a JSON path, and a request with issues is answered like Discord answers it
 * (400, code 50035 "Invalid Form Body" with the nested `errors` object).
 */

export type Json = Record<string, unknown>;

export interface Issue {
  /** Dotted JSON path, e.g. `embeds.0.title` or `data.choices.3.name`. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooterText: 2048,
  embedAuthorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceStringValue: 100,
  commandName: 32,
  commandDescription: 100,
  commandOptions: 25,
  commandTotalChars: 4000,
  files: 10,
  uploadBytes: 10 * 1024 * 1024,
  threadName: 100,
  modalTitle: 45,
  modalComponents: 5,
  textInputLabel: 45,
  historyLimit: 100,
} as const;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Discord counts string length in UTF-16 code units (JavaScript's `length`). */
function tooLong(issues: Issue[], path: string, value: unknown, max: number): void {
  if (typeof value === "string" && value.length > max) {
    issues.push({
      path,
      code: "BASE_TYPE_MAX_LENGTH",
      message: `Must be ${max} or fewer in length.`,
    });
  }
}

function lengthBetween(issues: Issue[], path: string, value: unknown, min: number, max: number) {
  if (typeof value !== "string") {
    issues.push({ path, code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return;
  }
  if (value.length < min || value.length > max) {
    issues.push({
      path,
      code: "BASE_TYPE_BAD_LENGTH",
      message: `Must be between ${min} and ${max} in length.`,
    });
  }
}

function notString(issues: Issue[], path: string, value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== "string") {
    issues.push({ path, code: "BASE_TYPE_STRING", message: "Must be a string." });
  }
}

function textLength(value: unknown): number {
  return typeof value === "string" ? value.length : 0;
}

/** Embed text Discord counts toward the 6,000 per-message total. */
function embedTextLength(embed: Json): number {
  let total = textLength(embed.title) + textLength(embed.description);
  for (const field of asArray(embed.fields)) {
    if (isObject(field)) total += textLength(field.name) + textLength(field.value);
  }
  if (isObject(embed.footer)) total += textLength(embed.footer.text);
  if (isObject(embed.author)) total += textLength(embed.author.name);
  return total;
}

function validateEmbed(issues: Issue[], path: string, embed: unknown): void {
  if (!isObject(embed)) {
    issues.push({ path, code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used" });
    return;
  }
  for (const key of ["title", "description", "url"])
    notString(issues, `${path}.${key}`, embed[key]);
  tooLong(issues, `${path}.title`, embed.title, LIMITS.embedTitle);
  tooLong(issues, `${path}.description`, embed.description, LIMITS.embedDescription);
  if (embed.color !== undefined && embed.color !== null) {
    if (!Number.isInteger(embed.color)) {
      issues.push({
        path: `${path}.color`,
        code: "NUMBER_TYPE_COERCE",
        message: "Value is not int.",
      });
    } else if ((embed.color as number) < 0 || (embed.color as number) > 0xffffff) {
      issues.push({
        path: `${path}.color`,
        code: "NUMBER_TYPE_MAX",
        message: "int value should be less than or equal to 16777215.",
      });
    }
  }
  const fields = asArray(embed.fields);
  if (fields.length > LIMITS.embedFields) {
    issues.push({
      path: `${path}.fields`,
      code: "BASE_TYPE_MAX_LENGTH",
      message: `Must be ${LIMITS.embedFields} or fewer in length.`,
    });
  }
  fields.forEach((field, i) => {
    const at = `${path}.fields.${i}`;
    if (!isObject(field)) return;
    lengthBetween(issues, `${at}.name`, field.name, 1, LIMITS.embedFieldName);
    lengthBetween(issues, `${at}.value`, field.value, 1, LIMITS.embedFieldValue);
  });
  if (isObject(embed.footer)) {
    lengthBetween(issues, `${path}.footer.text`, embed.footer.text, 1, LIMITS.embedFooterText);
  }
  if (isObject(embed.author)) {
    lengthBetween(issues, `${path}.author.name`, embed.author.name, 1, LIMITS.embedAuthorName);
  }
  if (embed.timestamp !== undefined && embed.timestamp !== null) {
    if (typeof embed.timestamp !== "string" || Number.isNaN(Date.parse(embed.timestamp))) {
      issues.push({
        path: `${path}.timestamp`,
        code: "DATE_TYPE_PARSE",
        message: "Could not parse timestamp.",
      });
    }
  }
}

function validateButton(issues: Issue[], path: string, button: Json, ids: Set<string>): void {
  const style = button.style;
  if (!Number.isInteger(style) || (style as number) < 1 || (style as number) > 6) {
    issues.push({ path: `${path}.style`, code: "BASE_TYPE_CHOICES", message: "Invalid style" });
  }
  tooLong(issues, `${path}.label`, button.label, LIMITS.buttonLabel);
  if (style === 5) {
    if (typeof button.url !== "string") {
      issues.push({
        path: `${path}.url`,
        code: "BASE_TYPE_REQUIRED",
        message: "This field is required",
      });
    }
    if (button.custom_id !== undefined) {
      issues.push({
        path: `${path}.custom_id`,
        code: "COMPONENT_CUSTOM_ID_NOT_ALLOWED",
        message: "Link buttons cannot have a custom_id",
      });
    }
  } else if (style !== 6) {
    customId(issues, `${path}.custom_id`, button.custom_id, ids);
  }
  if (button.label === undefined && button.emoji === undefined) {
    issues.push({
      path: `${path}.label`,
      code: "BASE_TYPE_REQUIRED",
      message: "A button needs a label or an emoji",
    });
  }
}

function customId(issues: Issue[], path: string, value: unknown, ids: Set<string>): void {
  lengthBetween(issues, path, value, 1, LIMITS.customId);
  if (typeof value === "string") {
    if (ids.has(value)) {
      issues.push({
        path,
        code: "COMPONENT_CUSTOM_ID_DUPLICATED",
        message: "Component custom id cannot be duplicated",
      });
    }
    ids.add(value);
  }
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

function validateSelect(issues: Issue[], path: string, select: Json, ids: Set<string>): void {
  customId(issues, `${path}.custom_id`, select.custom_id, ids);
  tooLong(issues, `${path}.placeholder`, select.placeholder, LIMITS.selectPlaceholder);
  const min = select.min_values;
  const max = select.max_values;
  if (
    min !== undefined &&
    (!Number.isInteger(min) || (min as number) < 0 || (min as number) > 25)
  ) {
    issues.push({ path: `${path}.min_values`, code: "NUMBER_TYPE_MAX", message: "Must be 0-25" });
  }
  if (
    max !== undefined &&
    (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 25)
  ) {
    issues.push({ path: `${path}.max_values`, code: "NUMBER_TYPE_MAX", message: "Must be 1-25" });
  }
  if (select.type !== 3) return;
  const options = asArray(select.options);
  if (options.length < 1 || options.length > LIMITS.selectOptions) {
    issues.push({
      path: `${path}.options`,
      code: "BASE_TYPE_BAD_LENGTH",
      message: `Must be between 1 and ${LIMITS.selectOptions} in length.`,
    });
  }
  if (typeof max === "number" && max > options.length) {
    issues.push({
      path: `${path}.max_values`,
      code: "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
      message: "max_values cannot exceed the number of options",
    });
  }
  const values = new Set<string>();
  options.forEach((option, i) => {
    const at = `${path}.options.${i}`;
    if (!isObject(option)) return;
    lengthBetween(issues, `${at}.label`, option.label, 1, LIMITS.selectOptionText);
    lengthBetween(issues, `${at}.value`, option.value, 1, LIMITS.selectOptionText);
    tooLong(issues, `${at}.description`, option.description, LIMITS.selectOptionText);
    if (typeof option.value === "string") {
      if (values.has(option.value)) {
        issues.push({
          path: `${at}.value`,
          code: "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
          message: "Select component option values must be unique",
        });
      }
      values.add(option.value);
    }
  });
}

function validateComponents(issues: Issue[], components: unknown[]): void {
  if (components.length > LIMITS.actionRows) {
    issues.push({
      path: "components",
      code: "BASE_TYPE_MAX_LENGTH",
      message: `Must be ${LIMITS.actionRows} or fewer in length.`,
    });
  }
  const ids = new Set<string>();
  components.forEach((row, r) => {
    const at = `components.${r}`;
    if (!isObject(row) || row.type !== 1) {
      issues.push({
        path: `${at}.type`,
        code: "UNION_TYPE_CHOICES",
        message: "Top-level components must be action rows (type 1)",
      });
      return;
    }
    const children = asArray(row.components);
    if (children.length < 1) {
      issues.push({
        path: `${at}.components`,
        code: "BASE_TYPE_BAD_LENGTH",
        message: "Must be between 1 and 5 in length.",
      });
    }
    const selects = children.filter((c) => isObject(c) && SELECT_TYPES.has(c.type as number));
    if (selects.length > 0 && children.length > 1) {
      issues.push({
        path: `${at}.components`,
        code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
        message: "The specified component exceeds the maximum width",
      });
    }
    if (children.length > LIMITS.buttonsPerRow) {
      issues.push({
        path: `${at}.components`,
        code: "BASE_TYPE_BAD_LENGTH",
        message: `Must be between 1 and ${LIMITS.buttonsPerRow} in length.`,
      });
    }
    children.forEach((child, c) => {
      const childAt = `${at}.components.${c}`;
      if (!isObject(child)) return;
      if (child.type === 2) validateButton(issues, childAt, child, ids);
      else if (SELECT_TYPES.has(child.type as number)) validateSelect(issues, childAt, child, ids);
      else {
        issues.push({
          path: `${childAt}.type`,
          code: "UNION_TYPE_CHOICES",
          message: `Component type ${String(child.type)} is not allowed in an action row`,
        });
      }
    });
  });
}

const MESSAGE_FLAGS_ALLOWED = 4 | 64 | 4096 | 32768;

/**
 * A message body (channel message, interaction response data, webhook message), as Discord
 * checks its fields; the ephemeral flag (64) only in an interaction response. Emptiness depends
 * on the uploaded files too: rest.ts checks it with `isEmptyMessage`.
 */
export function validateMessage(body: Json, opts: { interactionResponse: boolean }): Issue[] {
  const issues: Issue[] = [];
  notString(issues, "content", body.content);
  tooLong(issues, "content", body.content, LIMITS.content);
  const embeds = body.embeds;
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) {
      issues.push({ path: "embeds", code: "BASE_TYPE_LIST", message: "Must be an array." });
    } else {
      if (embeds.length > LIMITS.embeds) {
        issues.push({
          path: "embeds",
          code: "BASE_TYPE_MAX_LENGTH",
          message: `Must be ${LIMITS.embeds} or fewer in length.`,
        });
      }
      for (const [i, embed] of embeds.entries()) validateEmbed(issues, `embeds.${i}`, embed);
      const total = embeds.reduce<number>(
        (sum, e) => sum + (isObject(e) ? embedTextLength(e) : 0),
        0,
      );
      if (total > LIMITS.embedTotal) {
        issues.push({
          path: "embeds",
          code: "MAX_EMBED_SIZE_EXCEEDED",
          message: `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
        });
      }
    }
  }
  const components = body.components;
  const flags = typeof body.flags === "number" ? body.flags : 0;
  if (Array.isArray(components) && (flags & 32768) === 0) validateComponents(issues, components);
  if (body.flags !== undefined && body.flags !== null) {
    const allowed = opts.interactionResponse ? MESSAGE_FLAGS_ALLOWED : MESSAGE_FLAGS_ALLOWED & ~64;
    if (!Number.isInteger(body.flags) || (flags & ~allowed) !== 0) {
      issues.push({
        path: "flags",
        code: "MESSAGE_FLAGS_INVALID",
        message: `Invalid message flags ${String(body.flags)}${
          !opts.interactionResponse && flags & 64
            ? " (64 EPHEMERAL is for interaction responses)"
            : ""
        }`,
      });
    }
  }
  const mentions = body.allowed_mentions;
  if (isObject(mentions)) {
    const parse = asArray(mentions.parse);
    for (const [i, kind] of parse.entries()) {
      if (kind !== "users" && kind !== "roles" && kind !== "everyone") {
        issues.push({
          path: `allowed_mentions.parse.${i}`,
          code: "BASE_TYPE_CHOICES",
          message: `Value must be one of {'users', 'roles', 'everyone'}.`,
        });
      }
    }
    for (const kind of ["users", "roles"]) {
      if (parse.includes(kind) && asArray(mentions[kind]).length > 0) {
        issues.push({
          path: `allowed_mentions.${kind}`,
          code: "SET_TYPE_ALREADY_CONTAINS_VALUE",
          message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
        });
      }
    }
  }
  return issues;
}

/** Discord's "Cannot send an empty message" check, on the message as it will be stored. */
export function isEmptyMessage(message: {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  attachments?: unknown;
  sticker_ids?: unknown;
  poll?: unknown;
}): boolean {
  return (
    (typeof message.content !== "string" || message.content.length === 0) &&
    asArray(message.embeds).length === 0 &&
    asArray(message.components).length === 0 &&
    asArray(message.attachments).length === 0 &&
    asArray(message.sticker_ids).length === 0 &&
    message.poll === undefined
  );
}

/** The data of an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (type 8) callback. */
export function validateAutocomplete(data: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(data) || !Array.isArray(data.choices)) {
    issues.push({
      path: "data.choices",
      code: "BASE_TYPE_REQUIRED",
      message: "This field is required",
    });
    return issues;
  }
  if (data.choices.length > LIMITS.autocompleteChoices) {
    issues.push({
      path: "data.choices",
      code: "BASE_TYPE_MAX_LENGTH",
      message: `Must be ${LIMITS.autocompleteChoices} or fewer in length.`,
    });
  }
  for (const [i, choice] of data.choices.entries())
    validateChoice(issues, `data.choices.${i}`, choice);
  return issues;
}

function validateChoice(issues: Issue[], path: string, choice: unknown): void {
  if (!isObject(choice)) {
    issues.push({ path, code: "MODEL_TYPE_CONVERT", message: "Only dictionaries may be used" });
    return;
  }
  lengthBetween(issues, `${path}.name`, choice.name, 1, LIMITS.choiceName);
  validateLocalizations(issues, `${path}.name_localizations`, choice.name_localizations, 1, 100);
  if (typeof choice.value === "string") {
    tooLong(issues, `${path}.value`, choice.value, LIMITS.choiceStringValue);
  } else if (typeof choice.value !== "number") {
    issues.push({
      path: `${path}.value`,
      code: "BASE_TYPE_REQUIRED",
      message: "Choice value must be a string or a number",
    });
  }
}

function validateLocalizations(
  issues: Issue[],
  path: string,
  value: unknown,
  min: number,
  max: number,
  pattern?: RegExp,
): void {
  if (!isObject(value)) return;
  for (const [locale, text] of Object.entries(value)) {
    if (text === null) continue;
    lengthBetween(issues, `${path}.${locale}`, text, min, max);
    if (pattern && typeof text === "string" && !pattern.test(text)) {
      issues.push({
        path: `${path}.${locale}`,
        code: "APPLICATION_COMMAND_INVALID_NAME",
        message: "Command name is invalid",
      });
    }
  }
}

/** CHAT_INPUT names: 1-32 characters from this set, lowercase where a character has a case. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validChatInputName(name: string): boolean {
  return CHAT_INPUT_NAME.test(name) && name === name.toLowerCase();
}

function commandTextLength(command: Json): number {
  let total = textLength(command.name) + textLength(command.description);
  for (const option of asArray(command.options)) {
    if (!isObject(option)) continue;
    total += commandTextLength(option);
    for (const choice of asArray(option.choices)) {
      if (isObject(choice)) total += textLength(choice.name) + String(choice.value ?? "").length;
    }
  }
  return total;
}

function validateOptions(issues: Issue[], path: string, options: unknown[], depth: number) {
  if (options.length > LIMITS.commandOptions) {
    issues.push({
      path,
      code: "BASE_TYPE_MAX_LENGTH",
      message: `Must be ${LIMITS.commandOptions} or fewer in length.`,
    });
  }
  const names = new Set<string>();
  let sawOptional = false;
  options.forEach((option, i) => {
    const at = `${path}.${i}`;
    if (!isObject(option)) return;
    const type = option.type;
    if (!Number.isInteger(type) || (type as number) < 1 || (type as number) > 11) {
      issues.push({
        path: `${at}.type`,
        code: "BASE_TYPE_CHOICES",
        message: "Invalid option type",
      });
    }
    const name = option.name;
    if (typeof name !== "string" || !validChatInputName(name)) {
      issues.push({
        path: `${at}.name`,
        code: "APPLICATION_COMMAND_INVALID_NAME",
        message: `Option name ${JSON.stringify(name)} is invalid (1-32 lowercase characters)`,
      });
    } else if (names.has(name)) {
      issues.push({
        path: `${at}.name`,
        code: "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
        message: "Option names must be unique",
      });
    } else names.add(name);
    lengthBetween(issues, `${at}.description`, option.description, 1, LIMITS.commandDescription);
    validateLocalizations(
      issues,
      `${at}.name_localizations`,
      option.name_localizations,
      1,
      32,
      CHAT_INPUT_NAME,
    );
    validateLocalizations(
      issues,
      `${at}.description_localizations`,
      option.description_localizations,
      1,
      LIMITS.commandDescription,
    );
    const isGroup = type === 1 || type === 2;
    if (isGroup) {
      if (depth >= (type === 2 ? 1 : 2)) {
        issues.push({
          path: `${at}.type`,
          code: "APPLICATION_COMMAND_SUBCOMMAND_NESTING",
          message: "Sub-commands nest at most two levels (group › subcommand)",
        });
      }
      validateOptions(issues, `${at}.options`, asArray(option.options), depth + 1);
      return;
    }
    if (option.required === true && sawOptional) {
      issues.push({
        path: `${at}.required`,
        code: "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        message: "Required options must be placed before non-required options",
      });
    }
    if (option.required !== true) sawOptional = true;
    const choices = asArray(option.choices);
    if (choices.length > LIMITS.autocompleteChoices) {
      issues.push({
        path: `${at}.choices`,
        code: "BASE_TYPE_MAX_LENGTH",
        message: `Must be ${LIMITS.autocompleteChoices} or fewer in length.`,
      });
    }
    for (const [c, choice] of choices.entries())
      validateChoice(issues, `${at}.choices.${c}`, choice);
    if (option.autocomplete === true && choices.length > 0) {
      issues.push({
        path: `${at}.autocomplete`,
        code: "AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE",
        message: "Autocomplete cannot be set with choices",
      });
    }
    if (option.autocomplete === true && type !== 3 && type !== 4 && type !== 10) {
      issues.push({
        path: `${at}.autocomplete`,
        code: "BASE_TYPE_CHOICES",
        message: "Autocomplete is only for string, integer and number options",
      });
    }
  });
  if (depth === 0) {
    const groups = options.filter((o) => isObject(o) && (o.type === 1 || o.type === 2));
    if (groups.length > 0 && groups.length !== options.length) {
      issues.push({
        path,
        code: "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
        message: "Sub-commands and plain options cannot be mixed",
      });
    }
  }
}

/** A bulk-overwrite (PUT) body for global or guild commands. */
export function validateCommands(commands: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!Array.isArray(commands)) {
    issues.push({ path: "", code: "BASE_TYPE_LIST", message: "Must be an array." });
    return issues;
  }
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  commands.forEach((command, i) => {
    const at = `${i}`;
    if (!isObject(command)) {
      issues.push({
        path: at,
        code: "MODEL_TYPE_CONVERT",
        message: "Only dictionaries may be used",
      });
      return;
    }
    const type = command.type === undefined ? 1 : command.type;
    if (type !== 1 && type !== 2 && type !== 3) {
      issues.push({
        path: `${at}.type`,
        code: "BASE_TYPE_CHOICES",
        message: "Invalid command type",
      });
      return;
    }
    perType.set(type, (perType.get(type) ?? 0) + 1);
    const name = command.name;
    if (type === 1) {
      if (typeof name !== "string" || !validChatInputName(name)) {
        issues.push({
          path: `${at}.name`,
          code: "APPLICATION_COMMAND_INVALID_NAME",
          message: `Command name ${JSON.stringify(name)} is invalid (1-32 lowercase characters, no spaces)`,
        });
      }
      lengthBetween(issues, `${at}.description`, command.description, 1, LIMITS.commandDescription);
      validateLocalizations(
        issues,
        `${at}.name_localizations`,
        command.name_localizations,
        1,
        32,
        CHAT_INPUT_NAME,
      );
      validateOptions(issues, `${at}.options`, asArray(command.options), 0);
      if (commandTextLength(command) > LIMITS.commandTotalChars) {
        issues.push({
          path: at,
          code: "APPLICATION_COMMAND_TOO_LARGE",
          message: `Command exceeds maximum size (${LIMITS.commandTotalChars})`,
        });
      }
    } else {
      lengthBetween(issues, `${at}.name`, name, 1, LIMITS.commandName);
      validateLocalizations(issues, `${at}.name_localizations`, command.name_localizations, 1, 32);
      if (typeof command.description === "string" && command.description.length > 0) {
        issues.push({
          path: `${at}.description`,
          code: "APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED",
          message: "User and message commands cannot have a description",
        });
      }
      if (asArray(command.options).length > 0) {
        issues.push({
          path: `${at}.options`,
          code: "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
          message: "User and message commands cannot have options",
        });
      }
    }
    const key = `${String(type)}:${String(name)}`;
    if (seen.has(key)) {
      issues.push({
        path: `${at}.name`,
        code: "APPLICATION_COMMANDS_DUPLICATE_NAME",
        message: `Application command names must be unique (${String(name)})`,
      });
    }
    seen.add(key);
  });
  const caps: Array<[number, number, string]> = [
    [1, 100, "chat input"],
    [2, 15, "user"],
    [3, 15, "message"],
  ];
  for (const [type, cap, label] of caps) {
    if ((perType.get(type) ?? 0) > cap) {
      issues.push({
        path: "",
        code: "APPLICATION_COMMANDS_TOO_MANY",
        message: `At most ${cap} ${label} commands`,
      });
    }
  }
  return issues;
}

/** The data of a MODAL (type 9) callback. */
export function validateModal(data: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(data)) {
    issues.push({ path: "data", code: "BASE_TYPE_REQUIRED", message: "This field is required" });
    return issues;
  }
  lengthBetween(issues, "data.custom_id", data.custom_id, 1, LIMITS.customId);
  lengthBetween(issues, "data.title", data.title, 1, LIMITS.modalTitle);
  const rows = asArray(data.components);
  if (rows.length < 1 || rows.length > LIMITS.modalComponents) {
    issues.push({
      path: "data.components",
      code: "BASE_TYPE_BAD_LENGTH",
      message: `Must be between 1 and ${LIMITS.modalComponents} in length.`,
    });
  }
  return issues;
}

/** Discord's nested `errors` object for a 50035 Invalid Form Body answer. */
export function formErrors(issues: readonly Issue[], prefix = ""): Json {
  const root: Json = {};
  for (const issue of issues) {
    const full = prefix && issue.path ? `${prefix}.${issue.path}` : prefix || issue.path;
    let node = root;
    for (const key of full.split(".").filter((k) => k !== "")) {
      const next = node[key];
      if (isObject(next)) node = next;
      else {
        const created: Json = {};
        node[key] = created;
        node = created;
      }
    }
    const list = (node._errors as unknown[] | undefined) ?? [];
    list.push({ code: issue.code, message: issue.message });
    node._errors = list;
  }
  return { code: 50035, message: "Invalid Form Body", errors: root };
}
