-- A minimal HEPv3 dissector for tshark (Wireshark 4.0 has none), used by bench/hep.sh to check that
-- hepblast's datagrams are valid HEPv3 with SIP inside:
--
--   tshark -X lua_script:bench/hep.lua -r FILE -d udp.port==PORT,hep \
--          -T fields -e hep.version -e hep.proto_type -e sip.Method -e sip.Status-Code -e sip.Call-ID
--
-- Generic chunks (vendor 0) only: 1 IP family, 2 IP protocol, 3/4 IPv4 source/destination, 7/8 ports,
-- 9/10 timestamp seconds/microseconds, 11 protocol type, 12 capture agent id, 15 payload,
-- 17 correlation id. A payload of protocol type 1 goes to Wireshark's SIP dissector. A datagram whose
-- length field or chunk lengths do not add up is marked malformed (hep.malformed).
local ok, builtin = pcall(Dissector.get, "hep")
if ok and builtin then return end -- a built-in HEP dissector wins

local hep = Proto("hep", "HEP (HOMER encapsulation protocol) v3")
local f = hep.fields
f.version = ProtoField.string("hep.version", "Version")
f.length = ProtoField.uint16("hep.length", "Total length")
f.family = ProtoField.uint8("hep.ip_family", "IP family")
f.ipproto = ProtoField.uint8("hep.ip_proto", "IP protocol")
f.src = ProtoField.ipv4("hep.src_ip", "Source IPv4")
f.dst = ProtoField.ipv4("hep.dst_ip", "Destination IPv4")
f.sport = ProtoField.uint16("hep.src_port", "Source port")
f.dport = ProtoField.uint16("hep.dst_port", "Destination port")
f.tsec = ProtoField.uint32("hep.ts_sec", "Timestamp seconds")
f.tusec = ProtoField.uint32("hep.ts_usec", "Timestamp microseconds")
f.ptype = ProtoField.uint8("hep.proto_type", "Protocol type")
f.agent = ProtoField.uint32("hep.agent_id", "Capture agent id")
f.corr = ProtoField.string("hep.correlation_id", "Correlation id")
f.chunk = ProtoField.uint16("hep.chunk_type", "Chunk type", base.HEX)
f.malformed = ProtoField.bool("hep.malformed", "Malformed")

local sip = Dissector.get("sip")

function hep.dissector(buf, pinfo, tree)
  if buf:len() < 6 or buf(0, 4):string() ~= "HEP3" then return 0 end
  pinfo.cols.protocol = "HEP3"
  local t = tree:add(hep, buf())
  t:add(f.version, buf(0, 4))
  local total = buf(4, 2):uint()
  t:add(f.length, buf(4, 2))
  local bad = total ~= buf:len()
  local off, ptype, payload = 6, nil, nil
  while off + 6 <= buf:len() do
    local vendor, ctype, clen = buf(off, 2):uint(), buf(off + 2, 2):uint(), buf(off + 4, 2):uint()
    if clen < 6 or off + clen > buf:len() then bad = true; break end
    local v = clen > 6 and buf(off + 6, clen - 6) or nil
    t:add(f.chunk, buf(off + 2, 2))
    if vendor == 0 and v then
      if ctype == 1 then t:add(f.family, v)
      elseif ctype == 2 then t:add(f.ipproto, v)
      elseif ctype == 3 then t:add(f.src, v)
      elseif ctype == 4 then t:add(f.dst, v)
      elseif ctype == 7 then t:add(f.sport, v)
      elseif ctype == 8 then t:add(f.dport, v)
      elseif ctype == 9 then t:add(f.tsec, v)
      elseif ctype == 10 then t:add(f.tusec, v)
      elseif ctype == 11 then t:add(f.ptype, v); ptype = v:uint()
      elseif ctype == 12 then t:add(f.agent, v)
      elseif ctype == 15 then payload = v
      elseif ctype == 17 then t:add(f.corr, v)
      end
    end
    off = off + clen
  end
  if off ~= buf:len() then bad = true end
  t:add(f.malformed, bad)
  if payload and ptype == 1 then sip:call(payload:tvb(), pinfo, tree) end
  return buf:len()
end

DissectorTable.get("udp.port"):add_for_decode_as(hep)
