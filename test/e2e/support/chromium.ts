/// <reference lib="dom" />
/**
 * Debian's Chromium, headless, driven by playwright-core: a fresh profile in a folder the caller
 * owns, no network features, no sandbox (tests run as root in containers).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { findBinary } from './processes';

/** Flags for a quiet, offline, throwaway browser. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
] as const;

/** A headless Chromium with a fresh profile under `dir`, and its first page. Close the context when done. */
export async function launchChromium(dir: string): Promise<{ context: BrowserContext; page: Page }> {
  const executablePath = findBinary('chromium');
  if (!executablePath) throw new Error('chromium is not installed; run `npm run servers`');
  const profile = path.join(dir, 'profile');
  fs.mkdirSync(profile, { recursive: true });
  // launchPersistentContext is how playwright takes a --user-data-dir of our choosing.
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
  const page = context.pages()[0] ?? await context.newPage();
  return { context, page };
}
