export * from "./workspace-image";
