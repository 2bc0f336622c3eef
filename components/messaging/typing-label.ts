/** Which sentence to show for the people typing, and with which names (keys in the `messages` namespace). */
export type TypingSentence =
  | null
  | { key: 'typing.one'; values: { a: string } }
  | { key: 'typing.two'; values: { a: string; b: string } }
  | { key: 'typing.many'; values: { a: string; b: string; count: number } };

export function typingSentence(names: readonly string[]): TypingSentence {
  const [a, b] = names;
  if (a === undefined) return null;
  if (b === undefined) return { key: 'typing.one', values: { a } };
  if (names.length === 2) return { key: 'typing.two', values: { a, b } };
  return { key: 'typing.many', values: { a, b, count: names.length - 2 } };
}
