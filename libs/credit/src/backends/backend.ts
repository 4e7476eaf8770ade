import { ProbeResult, ProbeState, ReadinessProbes } from '@app/credit-application';
import { DynamicModule, Provider } from '@nestjs/common';

/** How readiness asks one store or transport whether it answers, and which adapter it names in the report. */
export type Probe = {
  name: string;
  adapter: string;
  inject: unknown[];
  check: (...deps: never[]) => Promise<ProbeState>;
};

/**
 * What one backend choice adds to the composition: the Nest modules of its adapters, the providers that bind ports to
 * them, and its readiness probes. Every backend has a server variant and an embedded one.
 */
export interface Backend {
  modules: DynamicModule[];
  providers: Provider[];
  probes: Probe[];
  /** Providers of this process alone: neither exported to the apps nor replaced by a test's overrides. */
  internal?: Provider[];
}

export const up = async (): Promise<ProbeState> => 'up';
export const ping = (run: () => Promise<unknown>): Promise<ProbeState> =>
  run().then(
    () => 'up' as const,
    () => 'down' as const,
  );

/** One ReadinessProbes provider that runs every backend's probes side by side. */
export function readinessOf(probes: Probe[]): Provider {
  return {
    provide: ReadinessProbes,
    inject: probes.flatMap((p) => p.inject) as never[],
    useFactory: (...deps: never[]) => {
      let offset = 0;
      const bound = probes.map((p) => {
        const args = deps.slice(offset, (offset += p.inject.length));
        return async (): Promise<ProbeResult> => ({
          name: p.name,
          adapter: p.adapter,
          state: await p.check(...args).catch(() => 'down' as const),
        });
      });
      return { check: () => Promise.all(bound.map((b) => b())) };
    },
  };
}
