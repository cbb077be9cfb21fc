/// Chronos' task duration text in `job/stat`: hours, minutes and seconds, zero hours and
/// minutes left out, seconds always written, milliseconds dropped, no days (`25h1m1s`).
public enum ChronosDuration {
    public static func format(seconds: Int64) -> String {
        let h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60
        var text = ""
        if h != 0 { text += "\(h)h" }
        if m != 0 { text += "\(m)m" }
        return text + "\(s)s"
    }
}
