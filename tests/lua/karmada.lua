-- tests/lua/karmada.lua - stands in for Karmada's Lua interpreter calling
-- convention (ResourceInterpreterCustomization scripts on gopher-lua).
--
--   local karmada = dofile("tests/lua/karmada.lua")
--   local ok, replicas, req = karmada.call(scripts, "replicaResource", obj)
--
-- What it enforces, as Karmada would see it:
--   * each script runs alone, with only the base, table, string and math
--     libraries (no io, os, require, load*, dofile, debug);
--   * the script defines its entry function (GetReplicas, ...) and no
--     other global: Karmada reuses VMs, so a global leaks between calls;
--   * arguments are deep copies (a script may change them freely);
--   * results have the type Karmada converts (number, table, boolean) and
--     convert to JSON: string keys or 1..n array keys, no functions, no
--     NaN or infinity.
-- call() returns false plus a message instead of raising, so one broken
-- script fails its cases and the rest still run.
local M = {}

M.entry = {
  retention = "Retain",
  replicaResource = "GetReplicas",
  replicaRevision = "ReviseReplica",
  statusReflection = "ReflectStatus",
  statusAggregation = "AggregateStatus",
  healthInterpretation = "InterpretHealth",
  dependencyInterpretation = "GetDependencies",
}

local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end
M.copy = copy

local function sandbox()
  local env = {
    assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs,
    pcall = pcall, select = select, tonumber = tonumber, tostring = tostring,
    type = type, unpack = unpack, rawget = rawget, rawset = rawset,
    rawequal = rawequal, setmetatable = setmetatable, getmetatable = getmetatable,
    string = copy(string), table = copy(table), math = copy(math),
  }
  env._G = env
  return env
end

-- "" when v converts to JSON, else where and why not
local function json_problem(v, path, depth)
  local t = type(v)
  if t == "string" or t == "boolean" then return "" end
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then
      return path .. ": not a finite number"
    end
    return ""
  end
  if t ~= "table" then return path .. ": a " .. t .. " does not convert to JSON" end
  if depth > 64 then return path .. ": nested too deeply (a cycle?)" end
  local n, strings, ints = #v, 0, 0
  for k, x in pairs(v) do
    if type(k) == "string" then
      strings = strings + 1
    elseif type(k) == "number" and k >= 1 and k <= n and math.floor(k) == k then
      ints = ints + 1
    else
      return path .. ": key " .. tostring(k) .. " is neither a name nor an array index"
    end
    local p = json_problem(x, path .. "." .. tostring(k), depth + 1)
    if p ~= "" then return p end
  end
  if strings > 0 and ints > 0 then
    return path .. ": mixes array items and named fields"
  end
  return ""
end
function M.json_problem(v) return json_problem(v, "result", 0) end

-- the results each entry function must return, as Karmada converts them
local shapes = {
  Retain = {"table"},
  GetReplicas = {"number", "table|nil"},
  ReviseReplica = {"table"},
  ReflectStatus = {"table"},
  AggregateStatus = {"table"},
  InterpretHealth = {"boolean"},
  GetDependencies = {"table"},
}

-- Runs customization `name` of `scripts` (name -> Lua text) on copies of
-- the arguments. Returns true and the results, or false and a message.
function M.call(scripts, name, ...)
  local fname = M.entry[name]
  local text = scripts[name]
  if not fname then return false, "no such customization " .. tostring(name) end
  if type(text) ~= "string" then return false, "no " .. name .. " script" end
  local chunk, err = loadstring(text, "=" .. name)
  if not chunk then return false, "does not compile: " .. err end
  local env = sandbox()
  setfenv(chunk, env)
  local ok, lerr = pcall(chunk)
  if not ok then return false, "loading failed: " .. tostring(lerr) end
  local fn = rawget(env, fname)
  if type(fn) ~= "function" then return false, "defines no function " .. fname end
  local base = sandbox()
  local args = {n = select("#", ...), ...}
  for i = 1, args.n do args[i] = copy(args[i]) end
  local res = {pcall(fn, unpack(args, 1, args.n))}
  if not res[1] then return false, "runtime error: " .. tostring(res[2]) end
  for k in pairs(env) do
    if base[k] == nil and k ~= fname then
      return false, "sets the global '" .. tostring(k) .. "' (use local)"
    end
  end
  for i, want in ipairs(shapes[fname]) do
    local got = type(res[i + 1])
    if not string.find("|" .. want .. "|", "|" .. got .. "|", 1, true) then
      return false, string.format("result %d: expected %s, got %s", i, want, got)
    end
    if got ~= "nil" then
      local p = json_problem(res[i + 1], "result " .. i, 0)
      if p ~= "" then return false, p end
    end
  end
  return true, unpack(res, 2, #shapes[fname] + 1)
end

-- ------------------------------------------------------------ assertions
-- Each raises a message that says what was expected and what came.
local function show(v, depth)
  depth = depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  if depth > 3 then return "{...}" end
  local keys = {}
  for k in pairs(v) do table.insert(keys, k) end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do
    table.insert(parts, tostring(k) .. "=" .. show(v[k], depth + 1))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end
M.show = show

local function equal(a, b)
  if type(a) ~= type(b) then return false end
  if type(a) ~= "table" then return a == b end
  for k, v in pairs(a) do if not equal(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
M.equal = equal

function M.eq(got, want, what)
  if not equal(got, want) then
    error(string.format("%s: got %s, expected %s", what, show(got), show(want)), 2)
  end
end

-- value at a dotted path ("status.currentInfo.members"); nil when absent
function M.at(v, path)
  for part in string.gmatch(path, "[^%.]+") do
    if type(v) ~= "table" then return nil end
    local n = tonumber(part)
    if n and v[n] ~= nil then v = v[n] else v = v[part] end
  end
  return v
end

-- a Kubernetes quantity as Karmada would accept it (resource.ParseQuantity)
function M.is_quantity(v)
  if type(v) == "number" then return v == v and v >= 0 and v < math.huge end
  if type(v) ~= "string" then return false end
  local num, rest = string.match(v, "^[%+%-]?(%d*%.?%d*)(.*)$")
  if not num or num == "" or num == "." then return false end
  local suffixes = {[""] = true, n = true, u = true, m = true, k = true, M = true, G = true,
    T = true, P = true, E = true, Ki = true, Mi = true, Gi = true, Ti = true, Pi = true, Ei = true}
  return suffixes[rest] == true or string.match(rest, "^[eE][%+%-]?%d+$") ~= nil
end

return M
