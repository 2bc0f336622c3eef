import type { Locator } from '@playwright/test';

/**
 * The figure a count badge shows, 0 when there is no badge. Read in one step: counting the badge and then reading
 * it would wait for ever for a badge that went away between the two (a count falling to none).
 */
export async function badgeFigure(badge: Locator, from: 'text' | 'title' = 'text'): Promise<number> {
  const shown = await badge.evaluateAll((found, attribute) => {
    const first = found[0];
    if (!first) return null;
    return attribute === 'title' ? first.getAttribute('title') : first.textContent;
  }, from);
  return shown === null ? 0 : Number(shown.replace(/[^\d]/g, '')) || 0;
}
