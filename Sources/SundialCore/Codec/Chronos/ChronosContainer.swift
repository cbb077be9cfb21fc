/// A Chronos `container` as Chronos stores it (reference/chronos/vectors.json
/// `parse-container-*`): every field present with its default, `type` and volume `mode`
/// upper-cased, `forcePullImage` read leniently. What is returned is what GET shows.
enum ChronosContainer {
    static let networks: Set<String> = ["HOST", "BRIDGE", "USER"]

    /// Nil when there is no image: Chronos then drops the container.
    static func normalized(_ json: JSONValue) throws(ChronosRequestError) -> JSONObject? {
        guard let object = json.objectValue, let image = object["image"]?.stringValue else { return nil }
        let network = object["network"]?.stringValue ?? "HOST"
        // Chronos reads it with `NetworkMode.withName`, which is case-sensitive.
        guard networks.contains(network) else {
            throw ChronosRequestError("Cannot read container network '\(network)': expected one of BRIDGE, HOST, USER")
        }
        var volumes: [JSONValue] = []
        for volume in object["volumes"]?.arrayValue ?? [] {
            guard let fields = volume.objectValue else { continue }
            var normalized = JSONObject()
            if let host = fields["hostPath"] { normalized["hostPath"] = host }
            if let container = fields["containerPath"] { normalized["containerPath"] = container }
            if let mode = fields["mode"]?.stringValue { normalized["mode"] = .string(mode.uppercased()) }
            volumes.append(.object(normalized))
        }
        var o = JSONObject()
        o["type"] = .string((object["type"]?.stringValue ?? "DOCKER").uppercased())
        o["image"] = .string(image)
        o["network"] = .string(network)
        o["networkInfos"] = object["networkInfos"]?.arrayValue.map { .array($0) } ?? .array([])
        o["volumes"] = .array(volumes)
        o["forcePullImage"] = .bool(ChronosLenientReader(object: object).bool("forcePullImage"))
        o["parameters"] = object["parameters"]?.arrayValue.map { .array($0) } ?? .array([])
        return o
    }
}
