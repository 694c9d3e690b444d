/** Types of parse-worker.js (plain JavaScript so worker threads can run it). */
import type { DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from "yaml";

export interface ParseError {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}
export type ParsedDocument = { readonly value: unknown } | { readonly errors: readonly ParseError[] };
export type ParsedFile = { readonly docs: readonly ParsedDocument[] } | { readonly readError: string };

export const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions;
export const TO_JS_OPTIONS: ToJSOptions;
export function parseText(text: string): ParsedDocument[];
export function parseFile(file: string): ParsedFile;
