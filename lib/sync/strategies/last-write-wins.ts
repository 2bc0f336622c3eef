import { concurrentWith, reject, type Strategy } from './strategy';

/** Applied in server arrival order; an overwrite of someone's concurrent edit is named in the outcome. */
export const lastWriteWins: Strategy = {
  name: 'last-write-wins',
  decide(input) {
    const { op } = input.change;
    if (op.type === 'text' || op.type === 'yjs')
      return reject('VALIDATION', `${op.type} ops need another strategy`);
    const overwritten = op.type === 'set' ? concurrentWith(input) : null;
    return {
      kind: 'commit',
      op,
      overwrote: overwritten
        ? {
            userId: overwritten.userId,
            userName: overwritten.userName,
            version: overwritten.version,
            at: overwritten.at,
            field: input.field,
          }
        : null,
    };
  },
};
