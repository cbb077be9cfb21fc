import SundialCLI

@main
enum Entry {
    static func main() async {
        await SundialCommand.main(nil)
    }
}
