/// How `ChronosFields` is kept inside a stored job spec (the `chronos` key, written only
/// with storage options and read only from the store, never from a Metronome client).
enum ChronosFieldsStorage {
    static func encode(_ c: ChronosFields) -> JSONValue {
        var o = JSONObject()
        o["name"] = .string(c.name)
        o["arguments"] = .array(c.arguments.map { .string($0) })
        o["executor"] = .string(c.executor)
        o["executorFlags"] = .string(c.executorFlags)
        o["taskInfoData"] = .string(c.taskInfoData)
        o["owner"] = .string(c.owner)
        o["ownerName"] = .string(c.ownerName)
        o["softError"] = .bool(c.softError)
        o["dataProcessingJobType"] = .bool(c.dataProcessingJobType)
        o["highPriority"] = .bool(c.highPriority)
        o["maxCompletionTime"] = .number(Double(c.maxCompletionTime))
        o["uris"] = .array(c.uris.map { .string($0) })
        if let container = c.container { o["container"] = container }
        o["async"] = .bool(c.async)
        o["disabled"] = .bool(c.disabled)
        o["concurrent"] = .bool(c.concurrent)
        o["isDependencyJob"] = .bool(c.isDependencyJob)
        return .object(o)
    }

    static func decode(_ json: JSONValue) -> ChronosFields? {
        guard let name = json["name"]?.stringValue else { return nil }
        var c = ChronosFields(name: name)
        c.arguments = json["arguments"]?.arrayValue?.compactMap(\.stringValue) ?? []
        c.executor = json["executor"]?.stringValue ?? ""
        c.executorFlags = json["executorFlags"]?.stringValue ?? ""
        c.taskInfoData = json["taskInfoData"]?.stringValue ?? ""
        c.owner = json["owner"]?.stringValue ?? ""
        c.ownerName = json["ownerName"]?.stringValue ?? ""
        c.softError = json["softError"]?.boolValue ?? false
        c.dataProcessingJobType = json["dataProcessingJobType"]?.boolValue ?? false
        c.highPriority = json["highPriority"]?.boolValue ?? false
        c.maxCompletionTime = Int64(json["maxCompletionTime"]?.numberValue ?? 0)
        c.uris = json["uris"]?.arrayValue?.compactMap(\.stringValue) ?? []
        c.container = json["container"]
        c.async = json["async"]?.boolValue ?? false
        c.disabled = json["disabled"]?.boolValue ?? false
        c.concurrent = json["concurrent"]?.boolValue ?? false
        c.isDependencyJob = json["isDependencyJob"]?.boolValue ?? false
        return c
    }
}
