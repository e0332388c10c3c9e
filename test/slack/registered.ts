// The slash commands the real app registers, read from a running bot.
import { startHarness } from '../e2e/harness.js';

export async function registeredCommands(): Promise<string[]> {
  const h = await startHarness();
  try {
    return h.bot.commands;
  } finally {
    await h.stop();
  }
}
