import * as fs from 'fs';
import { cliFolder } from './cli-harness';

// What the CLI says about a tenants file that is not plain JSON, and that it edits none of them.

const folder = cliFolder('tenants-cli-json-');
const run = folder.run;

// A merge that kept both sides' `tenants` keys: JSON.parse would keep only globex.
const MERGED = [
  '{',
  '  "tenants": [',
  '    { "id": "acme", "domainNames": ["acme.example.com"], "shard": 0 }',
  '  ],',
  '  "tenants": [',
  '    { "id": "globex", "domainNames": ["globex.example.com"], "shard": 0 }',
  '  ]',
  '}',
  '',
].join('\n');

test.each([
  ['a duplicate key', MERGED, /^tenants\.json:5:3: malformed JSON: duplicate key "tenants" on lines 2 and 5: /],
  ['a byte-order mark', '\uFEFF{ "tenants": [] }\n', /^tenants\.json:1:1: malformed JSON: the file starts with a byte-order mark \(BOM\); save it as UTF-8 without BOM$/],
  ['a comment', '{\n  "tenants": [] // none yet\n}\n', /^tenants\.json:2:17: malformed JSON: JSON has no comments; remove the '\/\/' comment$/],
  ['a file cut short', '{\n  "tenants": [\n    { "id": "a",', /^tenants\.json:3:17: malformed JSON: expected a property name in double quotes, found the end of the text$/],
  ['an empty file', '', /^tenants\.json:1:1: malformed JSON: the text is empty$/],
])('%s: validate, add and remove all refuse it with the line and column, and leave it alone', (_, text, message) => {
  fs.writeFileSync(folder.file('tenants.json'), text);
  for (const argv of [['validate'], ['plan'], ['add', 'initech', 'initech.example.com'], ['remove', 'acme']]) {
    const result = run(...argv);
    expect({ argv, code: result.code, err: result.err }).toEqual({ argv, code: 1, err: expect.stringMatching(message) });
  }
  expect(fs.readFileSync(folder.file('tenants.json'), 'utf8')).toBe(text);
  expect(fs.readdirSync(folder.dir())).toEqual(['tenants.json']);
});
