-- A minimal Dubbo (dubbo protocol, 16-byte header) dissector for tshark 4.0, which has none.
-- Written for samples/dubbo-failures/tsv.sh; independent of callscope. Registers on tcp port 20880.
--   tshark -X lua_script:samples/dubbo-failures/dubbo.lua -r FILE -Y dubbo
-- Fields: dubbo.flags, dubbo.is_request, dubbo.two_way, dubbo.event, dubbo.heartbeat (event whose body
-- is hessian2 null 'N'), dubbo.serialization, dubbo.status (responses), dubbo.req_id, dubbo.body_len,
-- dubbo.method (requests: 4th hessian2 string of the body), dubbo.timeout (requests: the value of the
-- "timeout" attachment, found by searching the body for the hessian2 string "timeout"),
-- dubbo.resp_type (OK responses: first body byte as hessian2 int: 0 exception, 1 value, 2 null,
-- 3/4/5 the same with attachments), dubbo.error_msg (responses with status != 20: the hessian2
-- string, tabs and newlines replaced by spaces, cut at 400 chars), dubbo.error_len (its full length).
local p = Proto("dubbo", "Apache Dubbo")
local f = {
  flags = ProtoField.uint8("dubbo.flags", "Flags", base.HEX),
  is_request = ProtoField.bool("dubbo.is_request", "Request"),
  two_way = ProtoField.bool("dubbo.two_way", "Two-way"),
  event = ProtoField.bool("dubbo.event", "Event"),
  heartbeat = ProtoField.bool("dubbo.heartbeat", "Heartbeat"),
  serialization = ProtoField.uint8("dubbo.serialization", "Serialization id"),
  status = ProtoField.uint8("dubbo.status", "Status"),
  req_id = ProtoField.int64("dubbo.req_id", "Request id"),
  body_len = ProtoField.uint32("dubbo.body_len", "Body length"),
  method = ProtoField.string("dubbo.method", "Method"),
  timeout = ProtoField.string("dubbo.timeout", "timeout attachment"),
  resp_type = ProtoField.int32("dubbo.resp_type", "Response type"),
  error_msg = ProtoField.string("dubbo.error_msg", "Error message"),
  error_len = ProtoField.uint32("dubbo.error_len", "Error message length (chars)"),
}
p.fields = { f.flags, f.is_request, f.two_way, f.event, f.heartbeat, f.serialization, f.status,
  f.req_id, f.body_len, f.method, f.timeout, f.resp_type, f.error_msg, f.error_len }

-- hessian2 string at byte offset o (0-based) of a Lua string s; returns value, next offset (or nil)
local function hstring(s, o)
  local b = s:byte(o + 1)
  if not b then return nil end
  local out, final = {}, true
  repeat
    local n
    if b <= 0x1f then n = b; o = o + 1; final = true
    elseif b >= 0x30 and b <= 0x33 then
      local b2 = s:byte(o + 2); if not b2 then return nil end
      n = (b - 0x30) * 256 + b2; o = o + 2; final = true
    elseif b == 0x53 or b == 0x52 then
      local b2, b3 = s:byte(o + 2, o + 3); if not b3 then return nil end
      n = b2 * 256 + b3; o = o + 3; final = (b == 0x53)
    else return nil end
    local start = o
    for _ = 1, n do -- n UTF-16 units, each 1 to 3 bytes of UTF-8
      local c = s:byte(o + 1); if not c then return nil end
      if c < 0x80 then o = o + 1 elseif c < 0xe0 then o = o + 2 else o = o + 3 end
    end
    out[#out + 1] = s:sub(start + 1, o)
    if not final then b = s:byte(o + 1); if not b then return nil end end
  until final
  return table.concat(out), o
end

-- hessian2 compact int at offset o (only the single-byte form -16..47)
local function hsmallint(s, o)
  local b = s:byte(o + 1)
  if b and b >= 0x80 and b <= 0xbf then return b - 0x90 end
  return nil
end

local function pdu_len(tvb, pinfo, offset)
  return tvb(offset + 12, 4):uint() + 16
end

local function dissect_pdu(tvb, pinfo, tree)
  local t = tree:add(p, tvb(0, tvb:len()))
  local flag = tvb(2, 1):uint()
  local is_req = bit.band(flag, 0x80) ~= 0
  local is_event = bit.band(flag, 0x20) ~= 0
  local blen = tvb(12, 4):uint()
  t:add(f.flags, tvb(2, 1))
  t:add(f.is_request, tvb(2, 1), is_req)
  t:add(f.two_way, tvb(2, 1), bit.band(flag, 0x40) ~= 0)
  t:add(f.event, tvb(2, 1), is_event)
  t:add(f.serialization, tvb(2, 1), bit.band(flag, 0x1f))
  if not is_req then t:add(f.status, tvb(3, 1)) end
  t:add(f.req_id, tvb(4, 8))
  t:add(f.body_len, tvb(12, 4))
  local body = blen > 0 and tvb(16, blen):raw() or ""
  if is_event then
    t:add(f.heartbeat, tvb(2, 1), body == "N")
  end
  local status = tvb(3, 1):uint()
  local what
  if is_req and not is_event then
    local o, v = 0, nil
    local parts = {}
    for i = 1, 4 do
      v, o = hstring(body, o)
      if not v then break end
      parts[i] = v
    end
    if parts[4] then t:add(f.method, tvb(16, blen), parts[4]) end
    local k = body:find("\7timeout", 1, true)
    if k then
      local tv = hstring(body, k + 7)
      if tv then t:add(f.timeout, tvb(16, blen), tv) end
    end
    what = "Request " .. (parts[4] or "?")
  elseif not is_req and not is_event then
    if status == 20 then
      local rt = hsmallint(body, 0)
      if rt then t:add(f.resp_type, tvb(16, 1), rt) end
    else
      local m = hstring(body, 0)
      if m then
        t:add(f.error_len, tvb(16, blen), #m)
        local clean = m:gsub("[\r\n\t]", " ")
        if #clean > 400 then clean = clean:sub(1, 400) end
        t:add(f.error_msg, tvb(16, blen), clean)
      end
    end
    what = "Response status " .. status
  else
    what = (is_req and "Event request" or "Event response") .. (body == "N" and " (heartbeat)" or "")
  end
  pinfo.cols.protocol = "DUBBO"
  pinfo.cols.info:append(" " .. what)
  return tvb:len()
end

function p.dissector(tvb, pinfo, tree)
  if tvb:len() >= 2 and tvb(0, 2):uint() ~= 0xdabb then return 0 end
  dissect_tcp_pdus(tvb, tree, 16, pdu_len, dissect_pdu, true)
  return tvb:len()
end

DissectorTable.get("tcp.port"):add(20880, p)
