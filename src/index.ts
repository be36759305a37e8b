// The public surface of tradio: what an app's author uses, and the extension points. Nothing internal.
export { Interface, type InterfaceOptions, type FlaggingMode, type InterpretationMethod } from "./interface/interface.js";
export type { CommonOptions } from "./interface/options.js";
export { Parallel, Series, type MixOptions } from "./interface/mix.js";
export { load } from "./interface/load.js";
export type { LoadOptions, LoadedInterface } from "./interface/interface.js";
export type { FnArgs, FnResult, InterfaceFn, BatchFn, CallArgs, CallResult, Specs } from "./interface/types.js";

export { TradioError as Error, ValidationError, ERROR_CODES, type ErrorCode, type CodedError } from "./core/errors.js";
export type { CallContext, RequestInfo, Progress, ComponentContext } from "./core/context.js";
export type { FileData, FileStore } from "./core/files.js";
export type { Tokens, Neighbours, InterpretationShape } from "./core/interpretable.js";
export { Registry } from "./core/registry.js";

export { Component, type ComponentOptions, type JSONSchema } from "./components/component.js";
export { Textbox, type TextboxOptions } from "./components/textbox.js";
export { NumberComponent as Number } from "./components/number.js";
export { Slider } from "./components/slider.js";
export { Checkbox } from "./components/checkbox.js";
export { CheckboxGroup } from "./components/checkbox-group.js";
export { Radio } from "./components/radio.js";
export { Dropdown } from "./components/dropdown.js";
export { Image, type Pixels, type ImageOptions } from "./components/image.js";
export { Audio, type AudioData, type DecodedAudio, type AudioOptions } from "./components/audio.js";
export { File, type FileOptions } from "./components/file.js";
export { Label, type LabelData, type LabelOptions } from "./components/label.js";
export { Chatbot, type ChatPair, type ChatbotOptions } from "./components/chatbot.js";
export { State } from "./components/state.js";
export { Json as JSON } from "./components/json.js";
export { HTML } from "./components/html.js";
export { Markdown } from "./components/markdown.js";
export { HighlightedText } from "./components/highlighted-text.js";
export { Dataframe, type DataframeOptions } from "./components/dataframe.js";
export { components, shortcutNames, type Shortcut, type Shortcuts, type ComponentSpec } from "./components/registry.js";

export type { LaunchOptions, Launched } from "./server/launch.js";
export { mountApp, type MountOptions, type Mountable } from "./server/mount.js";
export { DiskFileStore, type DiskFileStoreOptions } from "./runtime/file-store.js";
export { MemorySessionStore, sessionStores, type SessionStore, type SessionStoreOptions } from "./runtime/sessions.js";
export { MemoryScheduler } from "./queue/memory.js";
export { schedulers, type Scheduler, type JobData, type JobEvent, type JobRunner, type QueueSettings } from "./queue/scheduler.js";
export { interpretationMethods, type CustomInterpretation, type InterpretationMethodDef, type InputPlan } from "./features/interpretation/index.js";
export { loaders, type Loader, type LoaderOptions } from "./load/loaders.js";
export type { Loaded } from "./load/loaded.js";
export { flaggingCallbacks } from "./features/flagging/registry.js";
export type { FlaggingCallback } from "./features/flagging/callback.js";
export { CSVLogger, type CSVLoggerOptions } from "./features/flagging/csv-logger.js";
export { SQLiteLogger, type SQLiteLoggerOptions } from "./features/flagging/sqlite-logger.js";
