export * from "./idle-culler";
export { CULL_SCRIPT } from "./cull-script";
