// The API server's clock, seen from this machine. verify's calibration subtracts moments the cluster
// stamps (a pod's deletionTimestamp, its conditions' lastTransitionTime, by the API server and the
// kubelets) from moments verify sees (an endpoint turning not ready, a target turning healthy); on two
// clocks a laptop a few seconds off would be measured as the cluster being slow or fast. So verify
// keeps its own moments on the API server's clock: this machine's plus the offset measured here.
//
// The measure: every HTTP answer carries a Date header, the server's clock when it answered, in whole
// seconds (RFC 9110 section 6.6.1: an origin server with a clock must send it; Go's net/http writes
// it when it writes the header). The server stamped it between the moment this machine sent the
// request and the moment the answer came back, so one answer bounds the offset (server − here) to
// [date − receivedAt, date + 1 s − sentAt]; answers together narrow it to where their bounds meet.

/** One answer: when this machine sent the request and got the answer, and the answer's Date header (ms since the epoch). */
export interface DateSample {
    sentAt: number;
    receivedAt: number;
    /** The Date header, parsed: whole seconds. */
    serverDate: number;
}

/** The offset measured so far: server clock − this machine's clock, and how far off it may be either way (ms). */
export interface ClockOffset {
    offsetMs: number;
    uncertaintyMs: number;
}

/** Date's resolution: whole seconds (IMF-fixdate). */
const DATE_RESOLUTION_MS = 1000;

/** Narrows the offset with each answer; pure, so it is tested directly. */
export class ServerClock {
    private low = -Infinity;
    private high = Infinity;

    add(sample: DateSample): void {
        if (!Number.isFinite(sample.serverDate) || sample.receivedAt < sample.sentAt) {
            return;
        }
        const low = sample.serverDate - sample.receivedAt;
        const high = sample.serverDate + DATE_RESOLUTION_MS - sample.sentAt;
        if (low > this.high || high < this.low) {
            // Bounds that cannot both hold: one of the clocks jumped (NTP stepped it). The newest answer wins.
            this.low = low;
            this.high = high;
            return;
        }
        this.low = Math.max(this.low, low);
        this.high = Math.min(this.high, high);
    }

    /** Undefined until an answer has been seen. */
    offset(): ClockOffset | undefined {
        if (!Number.isFinite(this.low) || !Number.isFinite(this.high)) {
            return undefined;
        }
        return { offsetMs: Math.round((this.low + this.high) / 2), uncertaintyMs: Math.round((this.high - this.low) / 2) };
    }
}

/** One line for the run's start: how far the clocks are apart, and which one verify's times are on. */
export function describeOffset(offset: ClockOffset | undefined, server: string): string {
    if (offset === undefined) {
        return `clock: no Date header from ${server}; verify's times are this machine's`;
    }
    const seconds = (ms: number) => (Math.abs(ms) / 1000).toFixed(1);
    const way = offset.offsetMs >= 0 ? "ahead of" : "behind";
    return `clock: the API server's clock is ${seconds(offset.offsetMs)} s ${way} this machine's (±${seconds(offset.uncertaintyMs)} s); verify's times are on the API server's clock`;
}
