import Testing
@testable import SundialCore

@Suite struct JSONTests {
    @Test func parsesAndWritesRoundTrip() throws {
        let text = #"{"id":"a","n":32,"f":0.01,"t":true,"z":null,"s":"q\"\n\u00e9","arr":[1,2]}"#
        let value = try JSONParser.parse(text)
        #expect(value["id"] == "a")
        #expect(value["n"] == 32)
        #expect(value["s"]?.stringValue == "q\"\né")
        #expect(JSONWriter.string(value) == #"{"id":"a","n":32,"f":0.01,"t":true,"z":null,"s":"q\"\né","arr":[1,2]}"#)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\":1,}", "nul", "01", "1.", "\"\\x\"", "{} {}", "NaN"])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsHostileNesting() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }
}
