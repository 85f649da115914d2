-- tests/lua/test_mongodb_interpreter.lua - runs every script of the member
-- MongoDB interpreter customization through karmada.lua on the fixtures.
--
--   lua5.1 tests/lua/test_mongodb_interpreter.lua GENERATED.lua
--
-- GENERATED.lua (written by tests/unit/test_interpreter.c from the YAML)
-- returns {scripts = {<customization> = "<lua text>", ...},
--          objects = {<fixture name> = <object as a Lua table>, ...}}.
-- Prints "ok - case" or "not ok - case: why" per case and the summary line
-- "lua: N passed, M failed"; exits 1 when a case failed.
local dir = string.match(arg[0], "^(.*)/") or "."
local karmada = dofile(dir .. "/karmada.lua")
local gen = dofile(assert(arg[1], "usage: test_mongodb_interpreter.lua GENERATED.lua"))
local S, O = gen.scripts, gen.objects
local eq, at, copy = karmada.eq, karmada.at, karmada.copy

local function obj(name)
  return copy(assert(O[name], "no fixture " .. name))
end

-- the script's results, or an error with its message
local function run(name, ...)
  local res = {karmada.call(S, name, ...)}
  if not res[1] then error(name .. ": " .. tostring(res[2]), 2) end
  return unpack(res, 2, 3)
end

local function health(name)
  return run("healthInterpretation", obj(name))
end

local function aggregate(desired, items)
  local out = run("statusAggregation", obj(desired), items and obj(items).items)
  return out.status
end

-- every quantity under status.currentInfo.resources parses
local function quantities_ok(st)
  local res = at(st, "currentInfo.resources") or {}
  for _, kind in ipairs({"limits", "requests"}) do
    for k, v in pairs(res[kind] or {}) do
      assert(karmada.is_quantity(v), string.format(
        "status.currentInfo.resources.%s.%s: %q is not a quantity", kind, k, tostring(v)))
    end
  end
end

local cases = {}
local function case(name, fn) table.insert(cases, {name = name, fn = fn}) end

-- ------------------------------------------------------------ replicaResource
case("replicas: the rendered member CR asks for spec.members", function()
  local n, req = run("replicaResource", obj("rendered"))
  eq(n, 5, "replicas")
  -- requests win over limits; exporter off: mongod alone
  eq(req.resourceRequest, {cpu = "1000m", memory = "536870912"}, "resourceRequest")
  eq(req.namespace, "federation-mongo-operator", "namespace")
  eq(req.nodeClaim, nil, "nodeClaim")
end)

case("replicas: requirements sum mongod and exporter, with node constraints", function()
  local n, req = run("replicaResource", obj("desired-full"))
  eq(n, 3, "replicas")
  -- mongod 500m/2Gi + exporter limits 0.1/128Mi (its request defaults to it)
  eq(req.resourceRequest, {cpu = "600m", memory = tostring(2 * 2 ^ 30 + 128 * 2 ^ 20)},
     "resourceRequest")
  eq(req.nodeClaim.nodeSelector, {disktype = "ssd"}, "nodeClaim.nodeSelector")
  eq(#req.nodeClaim.tolerations, 1, "nodeClaim.tolerations")
  eq(at(req, "nodeClaim.hardNodeAffinity.nodeSelectorTerms.1.matchExpressions.1.key"),
     "topology.kubernetes.io/zone", "hardNodeAffinity")
  for k, v in pairs(req.resourceRequest) do
    assert(karmada.is_quantity(v), "resourceRequest." .. k .. " is not a quantity: " .. v)
  end
end)

case("replicas: a value that is not a quantity leaves that resource out", function()
  local n, req = run("replicaResource", obj("desired-bad-quantity"))
  eq(n, 2, "replicas")
  eq(req.resourceRequest, {cpu = "250m"}, "resourceRequest")
end)

case("replicas: no spec.members and no resources -> 0 and no requirement", function()
  local n, req = run("replicaResource", {apiVersion = "middleware.fedstate.io/v1alpha1",
                                         kind = "MongoDB", metadata = {name = "x"}, spec = {}})
  eq(n, 0, "replicas")
  eq(req, nil, "requirement")
end)

-- ------------------------------------------------------------ replicaRevision
case("revise: a cluster's share goes to spec.members, nothing else changes", function()
  local before = obj("rendered")
  local after = run("replicaRevision", obj("rendered"), 2)
  eq(after.spec.members, 2, "spec.members")
  after.spec.members = before.spec.members
  eq(after, before, "the rest of the object")
end)

-- ------------------------------------------------------------ retention
case("retain: fields the member operator filled in survive", function()
  local out = run("retention", obj("rendered"), obj("member-defaulted"))
  eq(out.spec.memberConfigRef, "orders-db-hostconf", "spec.memberConfigRef")
  eq(out.spec.dbUserSpec.user, "app", "spec.dbUserSpec")
  -- what we render wins
  eq(out.spec.rootPassword, "q2Vz8Kd1mXo=", "spec.rootPassword")
  eq(out.spec.imagePullPolicy, "Always", "spec.imagePullPolicy")
  eq(out.spec.persistence, {storage = "1Gi", storageClassName = "managed-nfs-storage"},
     "spec.persistence")
  eq(out.spec.members, 5, "spec.members")
end)

case("retain: empty desired fields take the member's", function()
  local d = obj("rendered")
  d.spec.rootPassword = nil
  d.spec.persistence.storageClassName = ""
  local out = run("retention", d, obj("member-defaulted"))
  eq(out.spec.rootPassword, "123456", "spec.rootPassword")
  eq(out.spec.persistence.storageClassName, "local-ssd", "spec.persistence.storageClassName")
end)

case("retain: a member object without spec changes nothing", function()
  local out = run("retention", obj("rendered"), {metadata = {name = "x"}})
  eq(out, obj("rendered"), "object")
end)

-- ------------------------------------------------------------ statusReflection
case("reflect: what the ops controller reads, and no password", function()
  local st = run("statusReflection", obj("member-running"))
  eq(st.state, "Running", "state")
  eq(st.currentRevision, "orders-db-7f9c", "currentRevision")
  eq(st.currentInfo.members, 2, "currentInfo.members")
  eq(st.currentInfo.resources.requests.cpu, "1", "currentInfo.resources")
  eq(st.currentInfo.dbUserPassword, nil, "currentInfo.dbUserPassword")
  eq(#st.replset, 3, "replset")
  eq(st.replset[1].stateStr, "PRIMARY", "replset[0].stateStr")
  eq(st.externalAddress, "10.0.0.1:31001,10.0.0.1:31002", "externalAddress")
  eq(#st.conditions, 1, "conditions")
end)

case("reflect: no status yet -> an empty status", function()
  eq(run("statusReflection", obj("member-no-status")), {}, "status")
end)

case("reflect: a status with only a state", function()
  eq(run("statusReflection", obj("member-no-currentinfo")), {state = "Reconciling"}, "status")
end)

-- ------------------------------------------------------------ healthInterpretation
case("health: Running with every member -> healthy", function()
  -- a member of another cluster (10.0.0.2) being down is not ours to report
  eq(health("member-running"), true, "healthy")
end)

case("health: Error with the right member count -> unhealthy", function()
  eq(health("member-error"), false, "healthy")
end)

case("health: a member on this cluster's VIP down -> unhealthy", function()
  eq(health("member-down"), false, "healthy")
end)

case("health: no status yet -> unhealthy, no error", function()
  eq(health("member-no-status"), false, "healthy")
end)

case("health: a status without currentInfo -> unhealthy, no error", function()
  eq(health("member-no-currentinfo"), false, "healthy")
  local o = obj("member-running")
  o.status.state = "Running"
  o.status.currentInfo = nil
  eq(run("healthInterpretation", o), false, "Running without currentInfo")
end)

case("health: fewer members than the spec -> unhealthy", function()
  local o = obj("member-running")
  o.status.currentInfo.members = 1
  eq(run("healthInterpretation", o), false, "healthy")
end)

-- ------------------------------------------------------------ statusAggregation
case("aggregate: two healthy clusters", function()
  local st = aggregate("desired-full", "items-healthy")
  eq(st.state, "Running", "state")
  eq(st.currentInfo.members, 3, "currentInfo.members")
  eq(st.currentInfo.resources, {requests = {cpu = "1", memory = "2Gi"}}, "currentInfo.resources")
  eq(st.currentRevision, "orders-db-7f9c", "currentRevision")
  eq(#st.replset, 3, "replset (each member once)")
  eq(st.externalAddress, "10.0.0.1:31001,10.0.0.1:31002,10.0.0.2:31001", "externalAddress")
end)

case("aggregate: one cluster in Error -> Error", function()
  local st = aggregate("desired-full", "items-one-error")
  eq(st.state, "Error", "state")
  eq(st.currentInfo.members, 3, "currentInfo.members")
end)

case("aggregate: an item without status is skipped, not a crash", function()
  local st = aggregate("desired-full", "items-partial")
  eq(st.state, "Reconciling", "state")
  eq(st.currentInfo.members, 2, "currentInfo.members")
end)

case("aggregate: no items -> Unknown with zero members, no invalid quantity", function()
  for _, items in ipairs({{}, false}) do
    local st = run("statusAggregation", obj("desired-full"), items or nil).status
    quantities_ok(st)
    eq(st.state, "Unknown", "state")
    eq(st.currentInfo, {members = 0}, "currentInfo")
    eq(st.currentRevision, nil, "currentRevision")
  end
end)

case("aggregate: resources that are not quantities are never copied", function()
  local st = aggregate("desired-full", "items-bad-quantity")
  quantities_ok(st)
  -- the first item's are invalid: the second's valid ones are used
  eq(st.currentInfo.resources, {requests = {cpu = "1", memory = "2Gi"}}, "currentInfo.resources")
  local items = obj("items-bad-quantity").items
  items[2].status.currentInfo.resources.requests.memory = "lots"
  st = run("statusAggregation", obj("desired-full"), items).status
  eq(st.currentInfo.resources, nil, "currentInfo.resources")
end)

case("aggregate: a stale status on the desired object is replaced", function()
  local d = obj("desired-full")
  d.status = {state = "Running", currentRevision = "old", currentInfo = {members = 9}}
  local st = run("statusAggregation", d, obj("items-partial").items).status
  eq(st.currentInfo.members, 2, "currentInfo.members")
  eq(st.currentRevision, "orders-db-7f9c", "currentRevision")
end)

case("aggregate: clusters on different revisions -> no currentRevision", function()
  local items = obj("items-healthy").items
  items[2].status.currentRevision = "orders-db-0001"
  local st = run("statusAggregation", obj("desired-full"), items).status
  eq(st.currentRevision, nil, "currentRevision")
end)

-- ------------------------------------------------------------ run them
local passed, failed = 0, 0
for _, c in ipairs(cases) do
  local ok, err = pcall(c.fn)
  if ok then
    passed = passed + 1
    print("ok - " .. c.name)
  else
    failed = failed + 1
    print("not ok - " .. c.name .. ": " .. tostring(err))
  end
end
print(string.format("lua: %d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
