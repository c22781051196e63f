// A Stryker ignorer: text with a space in it is words for people (an error message, a line of a
// report), not behaviour. Its mutants, and those of the expressions a message embeds, are left
// out; a literal without a space (a pattern, a key, a file suffix, an error code) is mutated.
// The tests that match messages pin the words that matter.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const REASON = 'message text';

function isMessageText(node) {
  if (node.type === 'StringLiteral') return node.value.includes(' ');
  if (node.type === 'TemplateLiteral') return node.quasis.some(quasi => (quasi.value.cooked ?? quasi.value.raw).includes(' '));
  return false;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'message-text', {
    shouldIgnore: path => (isMessageText(path.node) ? REASON : undefined),
  }),
];
