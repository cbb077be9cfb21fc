import Testing
import SundialCore

@Suite struct ConstraintEvaluatorTests {
    let evaluator = ConstraintEvaluator(hostname: "box-1", attributes: ["rack": "r1"])

    /// reference/metronome.md §3.2: a constraint without `value` is accepted and ignored at launch.
    @Test(arguments: Constraint.Operator.allCases)
    func aConstraintWithoutValueIsIgnored(op: Constraint.Operator) {
        #expect(evaluator.matches(Constraint(attribute: "hostname", op: op, value: nil)))
        #expect(evaluator.matches(Constraint(attribute: "no-such-attribute", op: op, value: nil)))
        #expect(!evaluator.matches([Constraint(attribute: "rack", op: op, value: nil), Constraint(attribute: "rack", op: .IS, value: "r2")]))
    }
}
