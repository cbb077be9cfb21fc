/// How a Chronos name becomes a Metronome id (docs/compatibility.md, "Names and ids"). A
/// name that is already a valid id is kept. Otherwise it is lower-cased, each character
/// outside `[a-z0-9.-]` becomes `-`, and each dotted segment loses leading and trailing
/// hyphens (empty segments are dropped); `-2`, `-3`, … is appended while the id is taken.
/// The name itself is kept with the job, so Chronos clients never see the id.
public enum ChronosNames {
    public static func metronomeID(for name: String, isTaken: (JobID) -> Bool) -> JobID {
        let base = JobID(name)?.rawValue ?? slug(name)
        var candidate = JobID(trusted: base)
        var n = 2
        while isTaken(candidate) {
            candidate = JobID(trusted: "\(base)-\(n)")
            n += 1
        }
        return candidate
    }

    static func slug(_ name: String) -> String {
        let mapped = String(name.lowercased().map { c -> Character in
            (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "." || c == "-" ? c : "-"
        })
        let segments = mapped.split(separator: ".").map { segment -> String in
            var s = Substring(segment)
            while s.first == "-" { s = s.dropFirst() }
            while s.last == "-" { s = s.dropLast() }
            return String(s)
        }.filter { !$0.isEmpty }
        return segments.isEmpty ? "job" : segments.joined(separator: ".")
    }
}
