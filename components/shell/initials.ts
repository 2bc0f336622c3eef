const thaiLeadingVowel = /^[\u0E40-\u0E44]/;
const thaiScript = /[\u0E00-\u0E7F]/;

/** Avatar letters: two initials for Latin names, the first consonant for Thai ones (Thai has no initials). */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0] ?? '';
  if (thaiScript.test(first)) return Array.from(first.replace(thaiLeadingVowel, ''))[0] ?? '';
  const letters = parts.length > 1 ? [first, parts.at(-1)!] : parts;
  return letters
    .map((part) => Array.from(part)[0] ?? '')
    .join('')
    .toUpperCase();
}
