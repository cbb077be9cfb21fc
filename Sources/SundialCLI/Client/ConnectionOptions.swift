import ArgumentParser
import Foundation
import SundialCore

/// `--url` and `--token`, shared by every command that talks to a server. Flags win over
/// `SUNDIAL_URL` and `SUNDIAL_TOKEN`, which win over the default.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's URL (SUNDIAL_URL). Default \(ServerURL.defaultURL).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("Sent as 'Authorization: token=<token>' (SUNDIAL_TOKEN).", valueName: "token"))
    var token: String?

    func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ClientError) -> SundialClient {
        let url = url ?? environment["SUNDIAL_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? ServerURL.defaultURL
        let token = token ?? environment["SUNDIAL_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return SundialClient(server: try ServerURL(url), token: token)
    }
}

/// `--json` and `--quiet` for listing commands: one of a table, the server's JSON, or ids only.
struct ListFormatOptions: ParsableArguments {
    @Flag(help: "Print the server's JSON instead of a table.")
    var json = false

    @Flag(name: [.short, .long], help: "Print only ids, one per line.")
    var quiet = false

    func validate() throws {
        if json && quiet { throw ValidationError("--json and --quiet cannot be used together") }
    }

    /// Prints `value` as JSON, or the ids one per line, or the table `table` makes.
    func emit(_ value: JSONValue, ids: [String], table: () -> String) {
        if json {
            print(Output.json(value))
        } else if quiet {
            for id in ids { print(id) }
        } else {
            print(table())
        }
    }
}
