import Foundation
import Testing
import SundialCore

/// Metronome serves its RAML and JSON schemas under `/public`; so does Sundial.
@Suite struct PublicFilesTests {
    @Test func schemasAndRAMLAreServed() async throws {
        let server = try await SundialServerProcess()
        defer { server.stop() }
        let schema = try await server.get("/public/api/v1/schema/jobspec.schema.json")
        #expect(schema.status == 200)
        #expect(schema.contentType == "application/json")
        #expect(schema.json["properties"]?["id"] != nil)
        let raml = try await server.get("/service/metronome/public/api/v1/jobs.raml")
        #expect(raml.status == 200)
        #expect(raml.text.contains("description:"))
        #expect(try await server.get("/public/api/v1/schema/missing.json").status == 404)
        #expect(try await server.get("/public/api/SOURCE.txt").status == 404)
    }
}
