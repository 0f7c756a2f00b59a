//! The specification: every operation of every service, over REST and
//! gRPC, with the one scope it needs.

/// (method, path, scope). Ids need not exist: access is decided first.
pub const REST: &[(&str, &str, &str)] = &[
    ("POST", "/v1/positions", "positions:write"),
    ("POST", "/v1/nmea", "positions:write"),
    ("GET", "/v1/vessels", "ships:read"),
    ("GET", "/v1/vessels/nearest", "ships:read"),
    ("GET", "/v1/vessels/{mmsi}", "ships:read"),
    ("GET", "/v1/vessels/{mmsi}/track", "ships:read"),
    ("PUT", "/v1/vessels/{mmsi}/registry", "ships:write"),
    ("GET", "/v1/positions/stream", "ships:read"),
    ("GET", "/v1/manifests", "cargo:read"),
    ("POST", "/v1/manifests", "cargo:write"),
    ("GET", "/v1/manifests/{id}", "cargo:read"),
    ("PATCH", "/v1/manifests/{id}", "cargo:write"),
    ("POST", "/v1/manifests/{id}/items", "cargo:write"),
    ("PUT", "/v1/manifests/{id}/items/{item_id}", "cargo:write"),
    ("GET", "/v1/manifests/{id}/violations", "cargo:read"),
    ("GET", "/v1/containers/{number}", "cargo:read"),
    ("GET", "/v1/zones", "routes:read"),
    ("POST", "/v1/zones", "routes:admin"),
    ("GET", "/v1/port-calls", "routes:read"),
    ("POST", "/v1/port-calls", "routes:write"),
    ("GET", "/v1/port-calls/{id}", "routes:read"),
    ("PATCH", "/v1/port-calls/{id}", "routes:write"),
    ("GET", "/v1/traffic", "routes:read"),
    ("GET", "/v1/people", "staff:read"),
    ("POST", "/v1/people", "staff:admin"),
    ("GET", "/v1/people/{id}", "staff:read"),
    ("PATCH", "/v1/people/{id}", "staff:admin"),
    ("DELETE", "/v1/people/{id}", "staff:admin"),
    ("POST", "/v1/people/{id}/certifications", "staff:admin"),
    ("GET", "/v1/people/{id}/shifts", "staff:read"),
    ("POST", "/v1/people/{id}/shifts", "staff:write"),
    ("GET", "/v1/tasks", "staff:read"),
    ("POST", "/v1/tasks/{id}/assignment", "staff:write"),
    ("GET", "/v1/assignments", "staff:read"),
];

/// (service, method, scope).
pub const GRPC: &[(&str, &str, &str)] = &[
    (
        "porttrack.ingest.v1.IngestService",
        "StreamPositions",
        "positions:write",
    ),
    (
        "porttrack.ingest.v1.IngestService",
        "StreamNmea",
        "positions:write",
    ),
    ("porttrack.ships.v1.ShipsService", "GetVessel", "ships:read"),
    (
        "porttrack.ships.v1.ShipsService",
        "ListVessels",
        "ships:read",
    ),
    (
        "porttrack.ships.v1.ShipsService",
        "VesselsInBox",
        "ships:read",
    ),
    (
        "porttrack.ships.v1.ShipsService",
        "NearestVessels",
        "ships:read",
    ),
    ("porttrack.ships.v1.ShipsService", "GetTrack", "ships:read"),
    (
        "porttrack.ships.v1.ShipsService",
        "StreamPositions",
        "ships:read",
    ),
    (
        "porttrack.ships.v1.ShipsService",
        "PutRegistry",
        "ships:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "CreateManifest",
        "cargo:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "GetManifest",
        "cargo:read",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "UpdateManifest",
        "cargo:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "ListManifests",
        "cargo:read",
    ),
    ("porttrack.cargo.v1.CargoService", "AddItem", "cargo:write"),
    (
        "porttrack.cargo.v1.CargoService",
        "UpdateItem",
        "cargo:write",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "FindContainer",
        "cargo:read",
    ),
    (
        "porttrack.cargo.v1.CargoService",
        "ListViolations",
        "cargo:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "CreateZone",
        "routes:admin",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "ListZones",
        "routes:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "CreatePortCall",
        "routes:write",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "GetPortCall",
        "routes:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "UpdatePortCall",
        "routes:write",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "ListPortCalls",
        "routes:read",
    ),
    (
        "porttrack.routes.v1.RoutesService",
        "GetTrafficBoard",
        "routes:read",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "CreatePerson",
        "staff:admin",
    ),
    ("porttrack.staff.v1.StaffService", "GetPerson", "staff:read"),
    (
        "porttrack.staff.v1.StaffService",
        "UpdatePerson",
        "staff:admin",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "DeletePerson",
        "staff:admin",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "ListPeople",
        "staff:read",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "SetCertification",
        "staff:admin",
    ),
    ("porttrack.staff.v1.StaffService", "AddShift", "staff:write"),
    (
        "porttrack.staff.v1.StaffService",
        "ListShifts",
        "staff:read",
    ),
    ("porttrack.staff.v1.StaffService", "ListTasks", "staff:read"),
    (
        "porttrack.staff.v1.StaffService",
        "AssignTask",
        "staff:write",
    ),
    (
        "porttrack.staff.v1.StaffService",
        "ListAssignments",
        "staff:read",
    ),
];
