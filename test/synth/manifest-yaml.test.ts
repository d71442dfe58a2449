import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { YAML_OPTIONS } from '../../lib/synthesis/dist-writer';
import { ManifestYaml } from '../../lib/synthesis/manifest-yaml';
import { renderProject } from '../../lib/synthesis/synthesize';
import { loadProject } from '../../lib/project/load';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/tmp';

/** Strings as manifests hold them, and the ones YAML must quote, escape or write as block scalars. */
const tricky = fc.constantFrom('', ' ', 'true', 'null', '~', '10', '0o7', '1e3', '.5', '-x', '- x', 'a: b', 'x #y', '#x', '@x', '*', '&a', '!t', '%x', '|x', '>x', '"q"', "it's", '{x}', '[x]', 'x,y', 'ä', 'a\tb', 'a\nb', 'a\n', ' lead', 'trail ', 'https://x.y/z?q=1#f', 'services.yaml#/spec/services/3', '$(X)', '?', '-', ':', 'x:', 'k: ', 'yes', 'No', '0x1F', '-.inf', '.NaN', '\u0007', '\u2028', '\ud83d\ude00');
const text = fc.oneof(tricky, fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
const scalar = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('list')),
  map: fc.dictionary(fc.oneof(tricky, fc.string({ maxLength: 10 })), tie('node'), { maxKeys: 5 }),
  list: fc.array(tie('node'), { maxLength: 4 }),
}));

describe('ManifestYaml', () => {
  it('writes exactly what yaml.stringify writes, for any JSON-like document', () => {
    const fast = new ManifestYaml(YAML_OPTIONS);
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(tricky, fc.string({ maxLength: 10 })), value.node, { maxKeys: 6 }), (doc) => {
        expect(fast.stringify(doc)).toBe(stringify(doc, YAML_OPTIONS));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes exactly what yaml.stringify writes for every object of the example catalog, mostly without it', () => {
    const rendered = renderProject(loadProject({ servicesFile: join(REPO_ROOT, 'services.yaml') }), 'services.yaml');
    const fast = new ManifestYaml(YAML_OPTIONS);
    let docs = 0;
    for (const objects of rendered.objects.values()) {
      for (const o of objects) {
        expect(fast.stringify(o)).toBe(stringify(o, YAML_OPTIONS));
        docs++;
      }
    }
    expect(docs).toBeGreaterThan(20);
  });

  it('leaves documents outside its subset to yaml (block scalars, lists in lists, undefined in lists)', () => {
    const fast = new ManifestYaml(YAML_OPTIONS);
    for (const doc of [{ script: 'a\nb\n' }, { l: [[1, 2]] }, { l: [undefined] }, {}, { a: undefined }, { d: new Date(0) }]) {
      expect(fast.stringify(doc)).toBe(stringify(doc, YAML_OPTIONS));
    }
  });
});
