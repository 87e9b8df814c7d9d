import { describe, expect, it } from 'vitest';
import { CONTENT_TYPE, OVERFLOW, Registry } from '../../gateway/observability/metrics.ts';

/**
 * A strict reader of the Prometheus text format 0.0.4 (prometheus.io "Exposition formats"): HELP
 * and TYPE lines, then samples `name{label="value",…} value`, label values unescaped. It throws on
 * anything else, so a malformed exposition fails the test rather than being skipped.
 */
interface Family {
  help: string;
  type: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

function parseExposition(text: string): Map<string, Family> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Family>();
  let current: Family | undefined;
  let currentName = '';
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      expect(families.has(m[1]!), `second HELP for ${m[1]}`).toBe(false);
      currentName = m[1]!;
      current = { help: unescapeHelp(m[2]!), type: '', samples: [] };
      families.set(currentName, current);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      expect(m[1]).toBe(currentName);
      current!.type = m[2]!;
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const [, name, labelText, valueText] = m;
    const suffixes = current!.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    expect(suffixes.map((s) => currentName + s), `sample ${name} outside its family`).toContain(name);
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    expect(Number.isNaN(value) && valueText !== 'NaN', `bad value ${valueText}`).toBe(false);
    current!.samples.push({ name: name!, labels: parseLabels(labelText ?? ''), value });
  }
  return families;
}

function unescapeHelp(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === '') return labels;
  const body = text.slice(1, -1);
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) throw new Error(`bad labels at ${at}: ${text}`);
    labels[m[1]!] = m[2]!.replace(/\\([\\"n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    at = re.lastIndex;
  }
  return labels;
}

describe('Prometheus registry: the text exposition format', () => {
  it('writes a known registry exactly', () => {
    const r = new Registry();
    const c = r.counter({ name: 'jobs_total', help: 'Jobs done.', labelNames: ['queue'] });
    const g = r.gauge({ name: 'temperature', help: 'Degrees.' });
    const h = r.histogram({ name: 'wait_seconds', help: 'Waits.', buckets: [0.1, 1] });
    c.inc({ queue: 'a' });
    c.inc({ queue: 'b' }, 2);
    c.inc({ queue: 'a' });
    g.set(undefined, -1.5);
    h.observe(undefined, 0.05);
    h.observe(undefined, 0.1); // on the bound: le is "less than or equal"
    h.observe(undefined, 0.5);
    h.observe(undefined, 7);
    expect(r.metricsText()).toBe(
      [
        '# HELP jobs_total Jobs done.',
        '# TYPE jobs_total counter',
        'jobs_total{queue="a"} 2',
        'jobs_total{queue="b"} 2',
        '# HELP temperature Degrees.',
        '# TYPE temperature gauge',
        'temperature -1.5',
        '# HELP wait_seconds Waits.',
        '# TYPE wait_seconds histogram',
        'wait_seconds_bucket{le="0.1"} 2',
        'wait_seconds_bucket{le="1"} 3',
        'wait_seconds_bucket{le="+Inf"} 4',
        'wait_seconds_sum 7.65',
        'wait_seconds_count 4',
        '',
      ].join('\n'),
    );
    expect(CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('exposes a metric without labels at 0 before it is used, and a labelled one only once used', () => {
    const r = new Registry();
    r.counter({ name: 'a_total', help: 'A.' });
    r.counter({ name: 'b_total', help: 'B.', labelNames: ['x'] });
    expect(r.metricsText()).toBe('# HELP a_total A.\n# TYPE a_total counter\na_total 0\n# HELP b_total B.\n# TYPE b_total counter\n');
  });

  it('keeps histogram buckets cumulative, +Inf equal to the count, and the sum, per label set', () => {
    const r = new Registry();
    const h = r.histogram({ name: 'd_seconds', help: 'D.', labelNames: ['route'], buckets: [0.01, 0.1, 1, 10] });
    const observed: Record<string, number[]> = { fast: [0.001, 0.002, 0.05], slow: [0.5, 3, 30, 0.1, 10] };
    for (const [route, values] of Object.entries(observed)) for (const v of values) h.observe({ route }, v);

    const family = parseExposition(r.metricsText()).get('d_seconds')!;
    expect(family.type).toBe('histogram');
    for (const [route, values] of Object.entries(observed)) {
      const of = (name: string) => family.samples.filter((s) => s.name === name && s.labels.route === route);
      const buckets = of('d_seconds_bucket');
      expect(buckets.map((b) => b.labels.le)).toEqual(['0.01', '0.1', '1', '10', '+Inf']);
      for (const b of buckets) {
        const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
        expect(b.value, `${route} le=${b.labels.le}`).toBe(values.filter((v) => v <= le).length);
      }
      expect(buckets.at(-1)!.value).toBe(values.length);
      expect(of('d_seconds_count')[0]!.value).toBe(values.length);
      expect(of('d_seconds_sum')[0]!.value).toBeCloseTo(values.reduce((a, b) => a + b, 0), 12);
    }
  });

  it('escapes label values and help so that they read back exactly', () => {
    const r = new Registry();
    const nasty = 'back\\slash "quoted"\nnew line, {braces}=';
    r.counter({ name: 'e_total', help: 'Help with \\ and\na new line.', labelNames: ['v'] }).inc({ v: nasty });
    const text = r.metricsText();
    expect(text).toContain('e_total{v="back\\\\slash \\"quoted\\"\\nnew line, {braces}="} 1\n');
    expect(text).toContain('# HELP e_total Help with \\\\ and\\na new line.\n');
    const family = parseExposition(text).get('e_total')!;
    expect(family.help).toBe('Help with \\ and\na new line.');
    expect(family.samples).toEqual([{ name: 'e_total', labels: { v: nasty }, value: 1 }]);
  });

  it('writes special values as Prometheus reads them', () => {
    const r = new Registry();
    const g = r.gauge({ name: 'g', help: 'G.', labelNames: ['k'] });
    g.set({ k: 'inf' }, Infinity);
    g.set({ k: 'ninf' }, -Infinity);
    g.set({ k: 'nan' }, NaN);
    g.set({ k: 'big' }, 1e21);
    expect(r.metricsText()).toBe('# HELP g G.\n# TYPE g gauge\ng{k="inf"} +Inf\ng{k="ninf"} -Inf\ng{k="nan"} NaN\ng{k="big"} 1e+21\n');
  });

  it('folds label sets beyond maxSeries into one _overflow series', () => {
    const r = new Registry();
    const c = r.counter({ name: 'o_total', help: 'O.', labelNames: ['id', 'kind'], maxSeries: 3 });
    for (let i = 0; i < 10; i++) c.inc({ id: String(i), kind: 'k' });
    c.inc({ id: '1', kind: 'k' }); // an existing series still counts as itself
    const samples = parseExposition(r.metricsText()).get('o_total')!.samples;
    expect(samples).toEqual([
      { name: 'o_total', labels: { id: '0', kind: 'k' }, value: 1 },
      { name: 'o_total', labels: { id: '1', kind: 'k' }, value: 2 },
      { name: 'o_total', labels: { id: '2', kind: 'k' }, value: 1 },
      { name: 'o_total', labels: { id: OVERFLOW, kind: OVERFLOW }, value: 7 },
    ]);
  });

  it('reads collected metrics at each scrape and leaves out one whose source throws', () => {
    const r = new Registry();
    let hits = 1;
    r.collected({ name: 'hits_total', help: 'H.', type: 'counter', labelNames: ['cache'], collect: () => [[{ cache: 'entity' }, hits]] });
    r.collected({ name: 'broken', help: 'B.', type: 'gauge', collect: () => { throw new Error('source down'); } });
    expect(r.metricsText()).toBe('# HELP hits_total H.\n# TYPE hits_total counter\nhits_total{cache="entity"} 1\n');
    hits = 5;
    expect(r.metricsText()).toContain('hits_total{cache="entity"} 5\n');
  });

  it('refuses what would make an invalid exposition or a wrong count', () => {
    const r = new Registry();
    expect(() => r.counter({ name: 'bad-name', help: '' })).toThrow(/invalid metric name/);
    expect(() => r.counter({ name: 'x_total', help: '', labelNames: ['__reserved'] })).toThrow(/invalid label name/);
    expect(() => r.histogram({ name: 'h', help: '', labelNames: ['le'] })).toThrow(/invalid label name/);
    expect(() => r.histogram({ name: 'h2', help: '', buckets: [1, 1] })).toThrow(/strictly increasing/);
    const c = r.counter({ name: 'c_total', help: '', labelNames: ['a'] });
    expect(() => r.counter({ name: 'c_total', help: '' })).toThrow(/already registered/);
    expect(() => c.inc({ a: 'x' }, -1)).toThrow(/only goes up/);
    expect(() => c.inc({} as { a: string })).toThrow(/expected labels a/);
    expect(() => c.inc({ a: 'x', b: 'y' } as { a: string })).toThrow(/expected labels a/);
  });
});
