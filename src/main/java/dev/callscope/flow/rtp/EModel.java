package dev.callscope.flow.rtp;

import java.util.Locale;

/**
 * A simplified ITU-T G.107 E-model giving an <em>estimated</em> listening MOS from what a capture
 * shows: the codec's equipment impairment Ie and packet-loss robustness Bpl (ITU-T G.113
 * Appendix I values), random packet loss, and a one-way delay that stands in for what a passive
 * capture cannot measure (packetisation plus a jitter buffer of twice the mean jitter, plus half
 * the RTCP round trip when known). Every other factor is at its G.107 default (R0 - Is = 93.2,
 * A = 0). An estimate, not a measurement: it says "this much loss and jitter would cost this much".
 */
public final class EModel {
    /** R for the default parameters with no delay, no loss and an ideal codec. */
    static final double R_DEFAULT = 93.2;

    private EModel() {
    }

    /** Ie and Bpl of a codec (by encoding name; G.711 when unknown). */
    record Impairment(double ie, double bpl) {
    }

    static Impairment impairment(final String codec) {
        final String c = codec == null ? "" : codec.toUpperCase(Locale.ROOT);
        if (c.startsWith("PCMU") || c.startsWith("PCMA") || c.startsWith("G711")) {
            return new Impairment(0, 25.1); // G.711 with packet loss concealment
        }
        if (c.startsWith("G729")) {
            return new Impairment(11, 19.0);
        }
        if (c.startsWith("G723")) {
            return new Impairment(15, 16.1);
        }
        if (c.startsWith("GSM")) {
            return new Impairment(20, 10.0);
        }
        if (c.startsWith("AMR-WB") || c.startsWith("G722") || c.startsWith("OPUS")) {
            return new Impairment(0, 20.0); // narrowband scale: treated like G.711 with PLC
        }
        if (c.startsWith("AMR")) {
            return new Impairment(5, 10.0);
        }
        if (c.startsWith("ILBC")) {
            return new Impairment(11, 32.0);
        }
        if (c.startsWith("SPEEX")) {
            return new Impairment(11, 20.0);
        }
        return new Impairment(0, 25.1);
    }

    /** Delay impairment Id for a one-way delay in ms (G.107 simplified: 0.024 d + 0.11 (d - 177.3) above 177.3 ms). */
    static double delayImpairment(final double delayMs) {
        final double d = Math.max(0, delayMs);
        return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
    }

    /** The rating factor R for a codec, a loss percentage (0-100) and a one-way delay. */
    public static double rFactor(final String codec, final double lossPercent, final double delayMs) {
        final Impairment i = impairment(codec);
        final double ppl = Math.max(0, Math.min(100, lossPercent));
        final double ieEff = i.ie() + (95 - i.ie()) * ppl / (ppl + i.bpl());
        return R_DEFAULT - delayImpairment(delayMs) - ieEff;
    }

    /** G.107 Annex B: MOS from R (1 below 0, 4.5 above 100). */
    public static double mos(final double r) {
        if (r <= 0) {
            return 1.0;
        }
        if (r >= 100) {
            return 4.5;
        }
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
    }
}
