export * from "./personnel";
export * from "./locations";
export * from "./visits";
export * from "./sessions";
export * from "./validations";
export * from "./settings";
export * from "./events";
