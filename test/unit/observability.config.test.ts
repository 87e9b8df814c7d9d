/**
 * Whether a service traces, and where to, from OpenTelemetry's own variables
 * (runtime/observability/config.ts): off unless an endpoint is given, a bad value refused naming
 * its variable.
 */
import { describe, expect, it } from 'vitest';
import { readTracingConfig } from '../../runtime/observability/index.ts';

describe('readTracingConfig', () => {
  it('is off without an endpoint, and with OTEL_SDK_DISABLED=true whatever is set', () => {
    expect(readTracingConfig('gateway', {})).toBeUndefined();
    expect(readTracingConfig('gateway', { OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER_ARG: '0.5' })).toBeUndefined();
    expect(readTracingConfig('gateway', { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBeUndefined();
    expect(readTracingConfig('gateway', { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBeDefined();
  });

  it('exports to <endpoint>/v1/traces, or to the traces endpoint as it is, with the headers and resource given', () => {
    expect(readTracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: {},
      serviceName: 'gateway',
      resourceAttributes: {},
      sampleRatio: 1,
    });
    expect(readTracingConfig('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.jp/base' })!.url).toBe('https://otlp.example.jp/base/v1/traces');
    const config = readTracingConfig('mainchain', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom/path',
      OTEL_EXPORTER_OTLP_HEADERS: 'X-Api-Key=abc%3D%3D, tenant=t1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'tenant=t2',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,host.name=h1',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    })!;
    expect(config).toEqual({
      url: 'http://collector:4318/custom/path',
      headers: { 'x-api-key': 'abc==', tenant: 't2' },
      serviceName: 'mainchain',
      resourceAttributes: { 'deployment.environment': 'prod', 'host.name': 'h1' },
      sampleRatio: 0.25,
    });
  });

  it('names the service: OTEL_SERVICE_NAME, else service.name among the attributes, else its own (a ledger with its municipality)', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(readTracingConfig('ledger', { ...endpoint, AIKI_MUNICIPALITY: 'kyoto' })!.serviceName).toBe('ledger-kyoto');
    expect(readTracingConfig('gateway', { ...endpoint, OTEL_RESOURCE_ATTRIBUTES: 'service.name=edge' })!.serviceName).toBe('edge');
    expect(readTracingConfig('gateway', { ...endpoint, OTEL_RESOURCE_ATTRIBUTES: 'service.name=edge', OTEL_SERVICE_NAME: 'edge-gw' })!.serviceName).toBe(
      'edge-gw',
    );
  });

  it('refuses a bad value, naming the variable and what it accepts', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(() => readTracingConfig('gw', { ...endpoint, OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got "2")',
    );
    expect(() => readTracingConfig('gw', { ...endpoint, OTEL_TRACES_SAMPLER_ARG: 'half' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => readTracingConfig('gw', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (got "collector:4318")',
    );
    expect(() => readTracingConfig('gw', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http/);
    expect(() => readTracingConfig('gw', { ...endpoint, OTEL_EXPORTER_OTLP_HEADERS: 'novalue' })).toThrow(
      'OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs separated by commas (got "novalue")',
    );
    expect(() => readTracingConfig('gw', { ...endpoint, OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' })).toThrow(/OTEL_RESOURCE_ATTRIBUTES: the value of a/);
    expect(() => readTracingConfig('gw', { ...endpoint, OTEL_SDK_DISABLED: 'yes' })).toThrow('OTEL_SDK_DISABLED must be true or false (got "yes")');
  });
});
