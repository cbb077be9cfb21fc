import ArgumentParser

/// `sundial`: the server and the client commands in one binary.
public struct SundialCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sundial",
        abstract: "A job scheduler: cron for a fleet of machines, speaking the Metronome and Chronos APIs.",
        subcommands: [ServerCommand.self, JobCommand.self, ScheduleCommand.self])

    public init() {}
}
