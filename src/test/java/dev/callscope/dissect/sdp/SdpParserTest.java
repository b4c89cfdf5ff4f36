package dev.callscope.dissect.sdp;

import static dev.callscope.dissect.sdp.SdpFakes.crlf;
import static dev.callscope.dissect.sdp.SdpFakes.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.callscope.dissect.Anomaly;
import dev.callscope.dissect.Severity;
import dev.callscope.dissect.sdp.SdpBody.Attribute;
import dev.callscope.dissect.sdp.SdpBody.Candidate;
import dev.callscope.dissect.sdp.SdpBody.Crypto;
import dev.callscope.dissect.sdp.SdpBody.Fingerprint;
import dev.callscope.dissect.sdp.SdpBody.Media;
import dev.callscope.dissect.sdp.SdpBody.Origin;
import dev.callscope.dissect.sdp.SdpBody.RtpMap;
import dev.callscope.dissect.sdp.SdpFakes.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdpParserTest {

    /** RFC 8866 section 5 example. */
    static final String RFC8866 = crlf("""
        v=0
        o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
        s=Call to John Smith
        i=SDP Offer #1
        u=http://www.jdoe.example.com/home.html
        e=Jane Doe <jane@jdoe.example.com>
        p=+1 617 555-6011
        c=IN IP4 198.51.100.1
        t=0 0
        m=audio 49170 RTP/AVP 0
        m=audio 49180 RTP/AVP 0
        m=video 51372 RTP/AVP 99
        c=IN IP6 2001:db8::2
        a=rtpmap:99 h263-1998/90000
        """);

    /** A WebRTC offer as Chrome makes it (BUNDLE, rtcp-mux, trickle ICE, DTLS-SRTP, a data channel). */
    static final String WEBRTC = crlf("""
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=extmap-allow-mixed
        a=msid-semantic: WMS stream
        a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
        m=audio 54400 UDP/TLS/RTP/SAVPF 111 0 8 126
        c=IN IP4 203.0.113.7
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:1467250027 1 udp 2122260223 192.168.0.196 54400 typ host generation 0
        a=candidate:1853887674 1 udp 1845501695 203.0.113.7 54400 typ srflx raddr 192.168.0.196 rport 54400 generation 0
        a=candidate:2157334355 1 tcp 1518280447 192.168.0.196 9 typ host tcptype active generation 0
        a=ice-ufrag:F7gI
        a=ice-pwd:x9cml/YzichV2+XlhiMu8g
        a=ice-options:trickle
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=sendrecv
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:126 telephone-event/8000
        a=ssrc:3510681183 cname:Y2Y+Zc
        m=video 54400 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 203.0.113.7
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:F7gI
        a=ice-pwd:x9cml/YzichV2+XlhiMu8g
        a=setup:actpass
        a=mid:1
        a=sendonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        m=application 54400 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 203.0.113.7
        a=ice-ufrag:F7gI
        a=ice-pwd:x9cml/YzichV2+XlhiMu8g
        a=setup:actpass
        a=mid:2
        a=sctp-port:5000
        a=max-message-size:262144
        """);

    @Test
    void rfc8866Example() {
        final Run r = run(RFC8866, 7);
        final SdpBody b = r.body();
        assertThat(r.codes()).isEmpty();
        assertThat(b.protocol()).isEqualTo("sdp");
        assertThat(b.frame()).isEqualTo(7);
        assertThat(b.tsNanos()).isEqualTo(7_000_000_000L);
        assertThat(b.flow()).isEqualTo(SdpFakes.sipFlow());
        assertThat(b.origin()).isEqualTo(new Origin("jdoe", "3724394400", "3724394405", "IN", "IP4", "198.51.100.1"));
        assertThat(b.sessionName()).isEqualTo("Call to John Smith");
        assertThat(b.connectionAddress()).isEqualTo("198.51.100.1");
        assertThat(b.direction()).isEqualTo("sendrecv");
        assertThat(b.attributes()).isEmpty();
        assertThat(b.media()).extracting(Media::type, Media::port, Media::proto, Media::formats, Media::connectionAddress,
                Media::rtcpPort)
            .containsExactly(
                tuple("audio", 49170, "RTP/AVP", List.of("0"), "198.51.100.1", 49171),
                tuple("audio", 49180, "RTP/AVP", List.of("0"), "198.51.100.1", 49181),
                tuple("video", 51372, "RTP/AVP", List.of("99"), "2001:db8::2", 51373));
        assertThat(b.media().get(2).rtpMaps()).containsExactly(new RtpMap(99, "h263-1998", 90000, 1));
        assertThat(b.media().get(0).codecName(0)).isEqualTo("PCMU/8000");
        assertThat(b.media().get(2).codecName(99)).as("the registered spelling").isEqualTo("H263-1998/90000");
        assertThat(b.summary()).isEqualTo("audio 198.51.100.1:49170 PCMU/8000 sendrecv; "
            + "audio 198.51.100.1:49180 PCMU/8000 sendrecv; video [2001:db8::2]:51372 H263-1998/90000 sendrecv");
        assertThat(r.sink().confirms).isEqualTo(1);
    }

    @Test
    void rfc3264OfferAndAnswerWithHostNames() {
        final Run offer = run(crlf("""
            v=0
            o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
            s=
            c=IN IP4 host.atlanta.example.com
            t=0 0
            m=audio 49170 RTP/AVP 0 8 97
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:97 iLBC/8000
            m=video 51372 RTP/AVP 31 32
            a=rtpmap:31 H261/90000
            a=rtpmap:32 MPV/90000
            """), 1);
        assertThat(offer.body().sessionName()).isEmpty();
        assertThat(offer.body().media()).hasSize(2);
        assertThat(offer.body().media().get(0).rtpMaps()).extracting(RtpMap::payloadType, RtpMap::codec)
            .containsExactly(tuple(0, "PCMU/8000"), tuple(8, "PCMA/8000"), tuple(97, "iLBC/8000"));
        assertThat(offer.body().media().get(1).summary()).isEqualTo("video host.atlanta.example.com:51372 H261/90000 MPV/90000 sendrecv");
        // host names are never resolved: INFO anomalies, nothing expected
        assertThat(offer.sink().anomalies).extracting(Anomaly::code, Anomaly::severity)
            .containsExactly(tuple("sdp.fqdn_address", Severity.INFO), tuple("sdp.fqdn_address", Severity.INFO));
        assertThat(offer.expected()).isEmpty();

        final Run answer = run(crlf("""
            v=0
            o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com
            s=
            c=IN IP4 host.biloxi.example.com
            t=0 0
            m=audio 49174 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            m=video 0 RTP/AVP 32
            a=rtpmap:32 MPV/90000
            """), 2);
        assertThat(answer.body().media()).extracting(Media::port).containsExactly(49174, 0);
        assertThat(answer.body().media().get(1).summary()).isEqualTo("video rejected");
        assertThat(answer.body().media().get(1).rtcpPort()).isZero();
        assertThat(answer.codes()).containsExactly("sdp.fqdn_address");
    }

    @Test
    void webRtcOffer() {
        final Run r = run(WEBRTC, 3);
        final SdpBody b = r.body();
        assertThat(r.codes()).isEmpty();
        assertThat(b.origin().username()).isEqualTo("-");
        assertThat(b.connectionAddress()).isNull();
        assertThat(b.fingerprint()).isEqualTo(new Fingerprint("sha-256",
            "D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F"));
        assertThat(b.attributes()).containsExactly(new Attribute("group", "BUNDLE 0 1 2"),
            new Attribute("extmap-allow-mixed", null), new Attribute("msid-semantic", "WMS stream"));
        assertThat(b.attribute("group")).isEqualTo("BUNDLE 0 1 2");
        assertThat(b.attribute("extmap-allow-mixed")).isEmpty();

        final Media audio = b.media().get(0);
        assertThat(audio.proto()).isEqualTo("UDP/TLS/RTP/SAVPF");
        assertThat(audio.rtp()).isTrue();
        assertThat(audio.rtcpMux()).isTrue();
        assertThat(audio.rtcpPort()).isEqualTo(54400);
        assertThat(audio.rtcpAddress()).isEqualTo("0.0.0.0");
        assertThat(audio.iceUfrag()).isEqualTo("F7gI");
        assertThat(audio.icePwd()).isEqualTo("x9cml/YzichV2+XlhiMu8g");
        assertThat(audio.iceOptions()).containsExactly("trickle");
        assertThat(audio.fingerprint()).isEqualTo(b.fingerprint()); // inherited
        assertThat(audio.setup()).isEqualTo("actpass");
        assertThat(audio.mid()).isEqualTo("0");
        assertThat(audio.direction()).isEqualTo("sendrecv");
        assertThat(audio.rtpMaps()).containsExactly(new RtpMap(111, "opus", 48000, 2), new RtpMap(126, "telephone-event", 8000, 1));
        assertThat(audio.fmtp()).isEqualTo(Map.of(111, "minptime=10;useinbandfec=1"));
        assertThat(audio.candidates()).extracting(Candidate::foundation, Candidate::component, Candidate::transport,
                Candidate::priority, Candidate::address, Candidate::port, Candidate::type, Candidate::relatedAddress,
                Candidate::relatedPort)
            .containsExactly(
                tuple("1467250027", 1, "udp", 2122260223L, "192.168.0.196", 54400, "host", null, -1),
                tuple("1853887674", 1, "udp", 1845501695L, "203.0.113.7", 54400, "srflx", "192.168.0.196", 54400),
                tuple("2157334355", 1, "tcp", 1518280447L, "192.168.0.196", 9, "host", null, -1));
        assertThat(audio.candidates().get(0).raw())
            .isEqualTo("1467250027 1 udp 2122260223 192.168.0.196 54400 typ host generation 0");
        assertThat(audio.attributes()).extracting(Attribute::name).containsExactly("extmap", "rtcp-fb", "ssrc");
        assertThat(audio.summary()).isEqualTo("audio 203.0.113.7:54400 opus/48000/2 PCMU/8000 PCMA/8000 telephone-event/8000 sendrecv");

        final Media video = b.media().get(1);
        assertThat(video.direction()).isEqualTo("sendonly");
        assertThat(video.hold()).isTrue();
        assertThat(video.fmtp()).containsEntry(97, "apt=96");
        assertThat(video.attributes()).containsExactly(new Attribute("rtcp-rsize", null));

        final Media data = b.media().get(2);
        assertThat(data.type()).isEqualTo("application");
        assertThat(data.rtp()).isFalse();
        assertThat(data.formats()).containsExactly("webrtc-datachannel");
        assertThat(data.attribute("sctp-port")).isEqualTo("5000");
        assertThat(data.summary()).isEqualTo("application 203.0.113.7:54400 udp/dtls/sctp webrtc-datachannel sendrecv");
    }

    @Test
    void srtpCryptoLines() {
        final Run r = run(crlf("""
            v=0
            o=- 1 1 IN IP4 192.0.2.1
            s=-
            c=IN IP4 192.0.2.1
            t=0 0
            m=audio 49170 RTP/SAVP 0
            a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32
            a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 KDR=1 UNENCRYPTED_SRTCP
            a=crypto:x broken
            """), 1);
        final Media m = r.body().media().get(0);
        assertThat(m.crypto()).containsExactly(
            new Crypto(1, "AES_CM_128_HMAC_SHA1_80", "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32", null),
            new Crypto(2, "AES_CM_128_HMAC_SHA1_32", "inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32",
                "KDR=1 UNENCRYPTED_SRTCP"));
        assertThat(r.codes()).containsExactly("sdp.bad_crypto");
        assertThat(m.attributes()).containsExactly(new Attribute("crypto", "x broken"));
        assertThat(r.expected()).extracting(dev.callscope.testutil.FakeConversation.Expectation::dissectorId).containsExactly("rtp", "rtcp");
    }

    @Test
    void t38ImageMediaLine() {
        final Run r = run(crlf("""
            v=0
            o=- 2 3 IN IP4 10.23.1.52
            s=-
            c=IN IP4 10.23.1.52
            t=0 0
            m=image 16756 udptl t38
            a=T38FaxVersion:0
            a=T38MaxBitRate:14400
            a=T38FaxRateManagement:transferredTCF
            a=T38FaxUdpEC:t38UDPRedundancy
            """), 5);
        final Media m = r.body().media().get(0);
        assertThat(m.type()).isEqualTo("image");
        assertThat(m.proto()).isEqualTo("udptl");
        assertThat(m.formats()).containsExactly("t38");
        assertThat(m.rtp()).isFalse();
        assertThat(m.attribute("T38MaxBitRate")).isEqualTo("14400");
        assertThat(m.summary()).isEqualTo("image 10.23.1.52:16756 udptl t38 sendrecv");
        assertThat(r.codes()).isEmpty();
        assertThat(r.expected()).isEmpty();
    }

    @Test
    void holdByZeroAddressSendonlyAndInactive() {
        final Run oldStyle = run(crlf("""
            v=0
            o=- 1 2 IN IP4 10.0.0.1
            s=-
            c=IN IP4 0.0.0.0
            t=0 0
            m=audio 6000 RTP/AVP 8
            """), 1);
        assertThat(oldStyle.body().media().get(0).hold()).isTrue();
        assertThat(oldStyle.body().media().get(0).direction()).isEqualTo("sendrecv");
        assertThat(oldStyle.expected()).isEmpty();
        assertThat(oldStyle.codes()).isEmpty();

        final Run sessionSendonly = run(crlf("""
            v=0
            o=- 1 3 IN IP4 10.0.0.1
            s=-
            c=IN IP4 10.0.0.1
            t=0 0
            a=sendonly
            m=audio 6000 RTP/AVP 8
            m=video 6002 RTP/AVP 34
            a=inactive
            """), 2);
        assertThat(sessionSendonly.body().direction()).isEqualTo("sendonly");
        assertThat(sessionSendonly.body().media()).extracting(Media::direction, Media::hold)
            .containsExactly(tuple("sendonly", true), tuple("inactive", true));
        assertThat(sessionSendonly.body().media().get(1).summary()).isEqualTo("video 10.0.0.1:6002 H263/90000 inactive");
        // a held stream still has an address: its flows are announced
        assertThat(sessionSendonly.expected()).hasSize(4);

        final Run ipv6Hold = run("v=0\no=- 1 1 IN IP6 ::1\ns=-\nc=IN IP6 ::\nt=0 0\nm=audio 7000 RTP/AVP 0\n", 3);
        assertThat(ipv6Hold.body().media().get(0).hold()).isTrue();
        assertThat(ipv6Hold.expected()).isEmpty();
    }

    @Test
    void ipv6Connection() {
        final Run r = run(crlf("""
            v=0
            o=- 5 5 IN IP6 2001:db8::10
            s=-
            c=IN IP6 2001:DB8::10
            t=0 0
            m=audio 5008 RTP/AVP 0 101
            a=rtpmap:0 pcmu/8000/1
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            """), 4);
        final Media m = r.body().media().get(0);
        assertThat(m.connectionAddress()).isEqualTo("2001:DB8::10");
        assertThat(m.rtpMaps()).containsExactly(new RtpMap(0, "pcmu", 8000, 1), new RtpMap(101, "telephone-event", 8000, 1));
        assertThat(m.summary()).isEqualTo("audio [2001:DB8::10]:5008 PCMU/8000 telephone-event/8000 sendrecv");
        assertThat(r.expected()).extracting(dev.callscope.testutil.FakeConversation.Expectation::endpoint, dev.callscope.testutil.FakeConversation.Expectation::dissectorId)
            .containsExactly(tuple("[2001:db8::10]:5008", "rtp"), tuple("[2001:db8::10]:5009", "rtcp"));
    }

    @Test
    void multipleMediaLinesWithTheirOwnConnectionAndRtcpAttribute() {
        final Run r = run(crlf("""
            v=0
            o=- 9 9 IN IP4 192.0.2.1
            s=multi
            c=IN IP4 224.2.1.1/127/3
            t=2873397496 2873404696
            m=audio 49170/2 RTP/AVP 0
            c=IN IP4 192.0.2.10
            a=ptime:20
            a=maxptime:40
            a=label:1
            m=video 51372 RTP/AVPF 99
            c=IN IP4 192.0.2.20
            a=rtcp:53020 IN IP4 192.0.2.21
            a=rtpmap:99 H264/90000
            a=fmtp:99 profile-level-id=42e01f;packetization-mode=1
            m=audio 51374 RTP/AVP 8
            a=ptime:30.0
            """), 9);
        final SdpBody b = r.body();
        assertThat(r.codes()).isEmpty();
        assertThat(b.connectionAddress()).isEqualTo("224.2.1.1");
        assertThat(b.media()).extracting(Media::connectionAddress, Media::port, Media::portCount, Media::rtcpPort,
                Media::rtcpAddress, Media::ptime, Media::maxptime, Media::label)
            .containsExactly(
                tuple("192.0.2.10", 49170, 2, 49171, null, 20, 40, "1"),
                tuple("192.0.2.20", 51372, 1, 53020, "192.0.2.21", null, null, null),
                tuple("224.2.1.1", 51374, 1, 51375, null, 30, null, null));
        assertThat(r.expected()).extracting(dev.callscope.testutil.FakeConversation.Expectation::endpoint, dev.callscope.testutil.FakeConversation.Expectation::dissectorId)
            .containsExactly(
                tuple("192.0.2.10:49170", "rtp"), tuple("192.0.2.10:49172", "rtp"),
                tuple("192.0.2.10:49171", "rtcp"), tuple("192.0.2.10:49173", "rtcp"),
                tuple("192.0.2.20:51372", "rtp"), tuple("192.0.2.21:53020", "rtcp"),
                tuple("224.2.1.1:51374", "rtp"), tuple("224.2.1.1:51375", "rtcp"));
    }

    @Test
    void lfOnlyLineEndsAndTrailingWhitespace() {
        final String lf = "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=lf \nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 18\n"
            + "a=rtpmap:18 G729/8000\t\na=fmtp:18 annexb=no\n\n";
        final Run r = run(lf, 1);
        assertThat(r.codes()).isEmpty();
        assertThat(r.body().sessionName()).isEqualTo("lf");
        assertThat(r.body().media().get(0).rtpMaps()).containsExactly(new RtpMap(18, "G729", 8000, 1));
        assertThat(r.body().media().get(0).fmtp()).containsEntry(18, "annexb=no");
        assertThat(r.body()).isEqualTo(run(crlf(lf), 1).body());
    }

    @Test
    void missingVersionAndBrokenLinesGiveAnomaliesAndAPartialResult() {
        final Run r = run(crlf("""
            o=broken origin
            s=-
            c=IN IP4
            t=now
            garbage line
            =x
            m=audio $ RTP/AVP 8
            c=IN IP4 10.0.0.5
            a=rtpmap:8 PCMA
            a=rtpmap:x PCMA/8000
            a=fmtp:abc x=1
            a=rtcp:abc
            a=candidate:1 1 udp
            a=fingerprint:sha-1
            a=setup:sideways
            a=ptime:fast
            a=
            y=unknown type
            m=audio 6000 RTP/AVP 8
            c=IN IP9 10.0.0.6
            a=rtpmap:8 PCMA/8000
            """), 11);
        assertThat(r.codes()).containsExactly("sdp.missing_version", "sdp.bad_origin", "sdp.bad_connection",
            "sdp.bad_timing", "sdp.bad_line", "sdp.bad_line", "sdp.bad_media", "sdp.bad_rtpmap", "sdp.bad_rtpmap",
            "sdp.bad_fmtp", "sdp.bad_rtcp", "sdp.bad_candidate", "sdp.bad_fingerprint", "sdp.bad_setup",
            "sdp.bad_ptime", "sdp.bad_attribute", "sdp.unknown_line", "sdp.bad_connection");
        assertThat(r.sink().anomalies).filteredOn(a -> !a.code().equals("sdp.unknown_line"))
            .allSatisfy(a -> {
                assertThat(a.severity()).isEqualTo(Severity.WARN);
                assertThat(a.frame()).isEqualTo(11);
                assertThat(a.offset()).isGreaterThanOrEqualTo(0);
            });
        final SdpBody b = r.body();
        assertThat(b.origin()).isNull();
        assertThat(b.connectionAddress()).isNull();
        assertThat(b.media()).hasSize(2);
        final Media first = b.media().get(0);
        assertThat(first.port()).isEqualTo(-1);
        assertThat(first.connectionAddress()).isEqualTo("10.0.0.5");
        assertThat(first.rtpMaps()).isEmpty();
        assertThat(first.setup()).isNull();
        assertThat(first.attributes()).extracting(Attribute::name)
            .containsExactly("rtpmap", "rtpmap", "fmtp", "rtcp", "candidate", "fingerprint", "setup", "ptime", "y");
        assertThat(first.summary()).isEqualTo("audio 10.0.0.5:? PCMA/8000 sendrecv");
        final Media second = b.media().get(1);
        assertThat(second.connectionAddress()).isEqualTo("10.0.0.6");
        assertThat(second.rtpMaps()).containsExactly(new RtpMap(8, "PCMA", 8000, 1));
        assertThat(r.expected()).extracting(dev.callscope.testutil.FakeConversation.Expectation::endpoint).containsExactly("10.0.0.6:6000", "10.0.0.6:6001");
        assertThat(r.sink().confirms).isZero();
    }

    @Test
    void emptyBodyAndWrongVersion() {
        final Run empty = run("", 1);
        assertThat(empty.codes()).containsExactly("sdp.empty_body");
        assertThat(empty.body().media()).isEmpty();
        assertThat(empty.body().summary()).isEqualTo("no media");

        final Run v1 = run("v=1\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n", 2);
        assertThat(v1.codes()).containsExactly("sdp.bad_version");
        final Run noConnection = run("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", 3);
        assertThat(noConnection.codes()).containsExactly("sdp.missing_connection");
        assertThat(noConnection.body().media().get(0).summary()).isEqualTo("audio ?:4000 PCMU/8000 sendrecv");
        final Run onlyVersion = run("v=0\r\n", 4);
        assertThat(onlyVersion.codes()).containsExactly("sdp.missing_origin", "sdp.missing_session_name");
    }

    @Test
    void caseInsensitiveDirectionAndSessionLevelRtcpMuxIsKept() {
        final Run r = run("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\na=rtcp-mux\r\n"
            + "m=audio 4000 RTP/AVP 0 8 18 4\r\na=SendRecv\r\na=rtpmap:18 G729/8000\r\n", 1);
        final Media m = r.body().media().get(0);
        assertThat(m.direction()).isEqualTo("sendrecv");
        assertThat(m.rtcpMux()).isFalse();
        assertThat(r.body().attributes()).containsExactly(new Attribute("rtcp-mux", null));
        assertThat(m.codecName(4)).isEqualTo("G723/8000");
        assertThat(m.codecName(18)).isEqualTo("G729/8000");
        assertThat(m.codecName(96)).isNull();
        assertThat(m.rtpMap(18)).isEqualTo(new RtpMap(18, "G729", 8000, 1));
        assertThat(SdpBody.staticCodecName(34)).isEqualTo("H263/90000");
        assertThat(SdpBody.staticCodecName(13)).isEqualTo("CN/8000");
        assertThat(SdpBody.staticCodecName(9)).isEqualTo("G722/8000");
        assertThat(SdpBody.staticCodecName(3)).isEqualTo("GSM/8000");
        assertThat(SdpBody.staticCodecName(96)).isNull();
        assertThat(SdpBody.staticCodecName(-1)).isNull();
    }

    @Test
    void utf8SessionName() {
        final Run r = run("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=Caf\u00e9 \u260E\nt=0 0\n", 1);
        assertThat(r.body().sessionName()).isEqualTo("Caf\u00e9 \u260E");
    }

    @Test
    void eventsAreImmutable() {
        final SdpBody b = run(WEBRTC, 1).body();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.media().clear())
            .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.media().get(0).fmtp().put(1, "x"))
            .isInstanceOf(UnsupportedOperationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.media().get(0).candidates().clear())
            .isInstanceOf(UnsupportedOperationException.class);
    }
}
