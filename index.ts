// Package root for Pulumi's schema inference (it looks for index.ts); the API itself is components/index.ts.
export * from "./components";
