/**
 * A loop of rounds run one after the other until stopped, as a lease holder's renewals or a
 * sequencer's seals: each round says how long to wait before the next, and {@link Rounds.wake}
 * cuts a wait short. A round catches its own errors (one that throws ends the loop).
 */
export class Rounds {
  private on = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  /** `round` returns the wait before the next round in ms; undefined: the next round at once. */
  constructor(private readonly round: () => Promise<number | undefined>) {}

  /** Between {@link start} and {@link stop}. */
  get running(): boolean {
    return this.on;
  }

  /** Starts the rounds; resolves after the first. */
  start(): Promise<void> {
    this.on = true;
    return new Promise((first) => {
      this.loop = this.run(first);
    });
  }

  /** Stops: no round after the one running now, which this waits for. */
  async stop(): Promise<void> {
    this.on = false;
    this.wake();
    await this.loop;
  }

  /** Ends the wait for the next round, if the loop is waiting. */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(first: () => void): Promise<void> {
    while (this.on) {
      const waitMs = await this.round();
      first();
      if (waitMs === undefined) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wakeUp = () => (clearTimeout(timer), resolve());
      });
    }
  }
}
