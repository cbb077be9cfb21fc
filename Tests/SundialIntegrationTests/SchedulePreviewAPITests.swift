import Foundation
import Testing
import SundialCore

/// `GET /api/schedule/next` answers what `sundial schedule next` prints: the same instants.
@Suite struct SchedulePreviewAPITests {
    @Test func returnsTheNextInstantsInTheZone() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let reply = try await server.get("/api/schedule/next?expression=30%202%20*%20*%20*&timezone=America/New_York&from=2026-03-07T12:00:00Z&count=3")
        #expect(reply.status == 200)
        let instants = reply.json["instants"]?.arrayValue?.compactMap(\.stringValue)
        #expect(instants == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"])
        #expect(reply.json["timezone"]?.stringValue == "America/New_York")
    }

    @Test func namesTheWrongParameter() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let never = try await server.get("/api/schedule/next?expression=0%200%2031%202%20*")
        #expect(never.status == 422)
        #expect(never.json["parameter"]?.stringValue == "expression")
        #expect(never.json["message"]?.stringValue?.isEmpty == false)
        let zone = try await server.get("/api/schedule/next?expression=@hourly&timezone=Mars/Base")
        #expect(zone.status == 422)
        #expect(zone.json["parameter"]?.stringValue == "timezone")
        let count = try await server.get("/api/schedule/next?expression=@hourly&count=0")
        #expect(count.json["parameter"]?.stringValue == "count")
        let missing = try await server.get("/api/schedule/next")
        #expect(missing.status == 422)
        #expect(missing.json["parameter"]?.stringValue == "expression")
    }
}
