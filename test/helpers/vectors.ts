// Loads spec/vectors/*.json (spec/protocol.md §14).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface VectorHeader {
  byteOrder: 'le' | 'be';
  version: number;
  id: string;
  flags: string;
  sizeTotal: number;
  payloadOffset: number;
  payloadCompressed: number;
  payloadUncompressed: number;
}

export interface Vector {
  name: string;
  source: string;
  direction?: 'to-server' | 'to-client';
  records?: string[];
  hex: string;
  header?: VectorHeader | null;
  xml?: string | null;
  frames?: { header: VectorHeader; xml: string }[];
  message?: unknown;
  error?: string;
}

export interface VectorFile {
  description: string;
  source: string;
  vectors: Vector[];
}

export const vectorPath = (name: string): string =>
  fileURLToPath(new URL(`../../spec/vectors/${name}`, import.meta.url));

export function loadVectors(name: string): VectorFile | undefined {
  const p = vectorPath(name);
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as VectorFile;
}

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
