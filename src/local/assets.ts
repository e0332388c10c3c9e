// The page's files (plain HTML, CSS and JavaScript modules, no build step), read once at start-up and
// served from memory with a strict Content-Security-Policy: scripts and styles only from this server.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util.js';

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/assets/app.css': 'app.css',
  '/assets/app.js': 'app.js',
  '/assets/blocks.js': 'blocks.js',
  '/assets/mrkdwn.js': 'mrkdwn.js',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export type Assets = Map<string, { type: string; body: Buffer }>;

/** Where the files are: next to this module (src/local/assets, or dist/local/assets after a build). */
export const ASSETS_DIR = new URL('./assets/', import.meta.url);

export async function loadAssets(): Promise<Assets> {
  const assets: Assets = new Map();
  for (const [path, file] of Object.entries(FILES)) {
    const ext = file.split('.').pop() ?? '';
    assets.set(path, {
      type: TYPES[ext] ?? 'application/octet-stream',
      body: await readFile(new URL(file, ASSETS_DIR)),
    });
  }
  return assets;
}

export function sendAsset(res: ServerResponse, assets: Assets, path: string): void {
  const asset = assets.get(path);
  if (!asset) {
    sendJson(res, 404, { ok: false, error: 'not_found' });
    return;
  }
  res.writeHead(200, {
    'content-type': asset.type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
  res.end(asset.body);
}
