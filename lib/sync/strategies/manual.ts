import { equalValues } from '../doc';
import { concurrentWith, reject, type Strategy } from './strategy';

/**
 * A concurrent edit to the same field (its base version is older than the field's last change by someone else)
 * is not applied: it becomes a conflict (base, mine, theirs) for a person to resolve.
 */
export const manual: Strategy = {
  name: 'manual',
  decide(input) {
    const { op } = input.change;
    if (op.type === 'text' || op.type === 'yjs')
      return reject('VALIDATION', `${op.type} ops need another strategy`);
    if (op.type !== 'set') return { kind: 'commit', op, overwrote: null };
    const theirs = concurrentWith(input);
    if (!theirs || equalValues(op.value, input.current)) return { kind: 'commit', op, overwrote: null };
    return {
      kind: 'conflict',
      base: input.baseValue,
      mine: op.value,
      theirs: input.current,
      theirsBy: theirs,
    };
  },
};
