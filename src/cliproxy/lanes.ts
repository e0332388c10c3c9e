// The management client's in-flight limit with two priorities: calls for a person (an approved action,
// /auth-status) always go before background calls (the /readyz probe), and a freed slot is handed
// straight to the next waiter, so the limit holds exactly even under a burst.
export class CallLanes {
  private running = 0;
  private readonly foreground: (() => void)[] = [];
  private readonly background: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Calls currently holding a slot. */
  get inFlight(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>, background = false): Promise<T> {
    if (this.running < this.max && this.foreground.length === 0 && this.background.length === 0) {
      this.running += 1;
    } else {
      // the slot is handed over by release(): running already counts it
      await new Promise<void>((resolve) => (background ? this.background : this.foreground).push(resolve));
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.foreground.shift() ?? this.background.shift();
    if (next) next();
    else this.running -= 1;
  }
}
