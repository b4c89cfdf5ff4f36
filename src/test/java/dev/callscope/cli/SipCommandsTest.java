package dev.callscope.cli;

import static dev.callscope.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.callscope.testutil.SharedCaptures;
import org.junit.jupiter.api.Test;

/** calls, sip and ladder on real captures: states, timings, filters, JSON fields, raw messages. */
class SipCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String b2bua() {
        return SharedCaptures.file("sip/sipnab__b2bua-asterisk.pcapng").toString();
    }

    @Test
    void callsJsonCarriesStateTimingsAndMessages() throws Exception {
        final CliTest.Run r = run("calls", "--json", "--method", "INVITE", b2bua());
        assertThat(r.code()).isZero();
        final JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("total_calls").asInt()).isEqualTo(12);
        assertThat(j.get("shown").asInt()).isEqualTo(2);
        final JsonNode a = j.get("calls").get(0);
        assertThat(a.get("call_id").asText()).isEqualTo("M2Q0ZDc1ZGM1NzIyMTlhZTA3NDU3NTgzMzA5YmJmZWQ.");
        assertThat(a.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(a.get("from").asText()).isEqualTo("sip:telephone1@172.16.98.101;transport=UDP");
        assertThat(a.get("auth_challenges").asInt()).isEqualTo(1);
        assertThat(a.get("timings").get("setup_time_ms").asDouble()).isBetween(7065.0, 7067.0);
        assertThat(a.get("timings").get("duration_s").asDouble()).isBetween(7.62, 7.63);
        assertThat(a.get("linked_calls").get(0).asText()).isEqualTo("37686afc57ce24ac655742b3644a7bb8@172.16.98.101:5060");
        final JsonNode first = a.get("messages").get(0);
        assertThat(first.get("method").asText()).isEqualTo("INVITE");
        assertThat(first.get("cseq").asInt()).isEqualTo(1);
        assertThat(first.get("frame").asInt()).isEqualTo(19);
        assertThat(first.get("retransmission").asBoolean()).isFalse();
        assertThat(a.get("messages").get(1).get("status_code").asInt()).isEqualTo(401);
        final JsonNode b = j.get("calls").get(1);
        assertThat(b.get("retransmissions").asInt()).isEqualTo(1);
        assertThat(b.get("messages").get(1).get("retransmission").asBoolean()).isTrue();
    }

    @Test
    void callFiltersAndStates() throws Exception {
        final JsonNode rejected = JSON.readTree(run("calls", "--json", "--state", "rejected", b2bua()).out());
        assertThat(rejected.get("shown").asInt()).isEqualTo(8);
        final JsonNode byId = JSON.readTree(run("calls", "--json", "--call-id", "^37686", b2bua()).out());
        assertThat(byId.get("shown").asInt()).isEqualTo(1);
        assertThat(run("calls", "--state", "NOPE", b2bua()).code()).isEqualTo(2);
        assertThat(run("calls", "--from", "([", b2bua()).err()).contains("bad regular expression");
        final JsonNode cancel = JSON.readTree(run("calls", "--json", SharedCaptures.file("sip/sngrep__aaa.pcap").toString()).out());
        assertThat(cancel.get("calls")).isNotEmpty();
    }

    @Test
    void sipListsMessagesAndPrintsOneRaw() throws Exception {
        final CliTest.Run list = run("sip", b2bua());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("Request: INVITE sip:2302@172.16.98.101;transport=UDP (SDP)").contains("60 SIP messages");
        final CliTest.Run raw = run("sip", "--raw", "20", b2bua());
        assertThat(raw.out()).startsWith("SIP/2.0 401 Unauthorized\n").contains("WWW-Authenticate: Digest");
        assertThat(run("sip", "--raw", "40", b2bua()).code()).isEqualTo(3);
        final JsonNode stats = JSON.readTree(run("sip", "--json", b2bua()).out()).get("stats");
        assertThat(stats.get("retransmissions").asInt()).isEqualTo(1);
        assertThat(stats.get("requests").get("SUBSCRIBE").asInt()).isEqualTo(9);
        assertThat(stats.get("responses").get("401").asInt()).isEqualTo(7);
    }

    @Test
    void sipOverTlsIsReportedAsEncrypted() throws Exception {
        final String f = SharedCaptures.file("sip/sngrep__tlssaved.pcap").toString();
        assertThat(run("sip", f).out()).contains("SIP over TLS (encrypted, not decoded): 10.10.1.142:5071 -> 10.10.9.40:5061, TLS 1.0");
        final JsonNode tls = JSON.readTree(run("sip", "--json", f).out()).get("tls");
        assertThat(tls).hasSize(4);
        assertThat(tls.get(0).get("encrypted").asBoolean()).isTrue();
    }

    @Test
    void ladderByIndexOrCallIdInUnicodeAndAscii() throws Exception {
        final CliTest.Run u = run("ladder", "--call", "5", b2bua());
        assertThat(u.code()).isZero();
        assertThat(u.out()).contains("│──────", "─►│", "│◄─", "401 Unauthorized", "404 Not found (no mailbox)");
        final CliTest.Run a = run("ladder", "--call", "wW4O8aPUVBylqQEYo_ROXg..", "--ascii", b2bua());
        assertThat(a.out()).contains("|------", "->|", "|<-").doesNotContain("│");
        assertThat(a.out().lines().count()).isEqualTo(u.out().lines().count());
        assertThat(a.out().lines().map(String::length).toList()).isEqualTo(u.out().lines().map(String::length).toList());
        assertThat(run("ladder", "--call", "999", b2bua()).code()).isEqualTo(3);
        final JsonNode j = JSON.readTree(run("ladder", "--json", "--call", "6", "--extended", b2bua()).out());
        final JsonNode l = j.get("ladders").get(0);
        assertThat(l.get("lanes")).hasSize(5); // 3 SIP endpoints + the 2 RTP endpoints of the call's stream bars
        assertThat(l.get("steps").get(0).get("label").asText()).isEqualTo("INVITE (SDP)");
        assertThat(l.get("steps").get(0).get("details").get(0).asText()).isEqualTo("audio 172.16.98.1:8000 PCMU/8000 telephone-event/8000 sendrecv");
    }
}
