// SPDX-License-Identifier: Apache-2.0
// Contract of the embedded dev chain's workload (src/devchain). Compiled offline by
// tools/contracts/compile.ts into src/devchain/workload-contract.ts; never compiled at run time.
pragma solidity 0.8.26;

contract Workload {
    uint256 public total;
    uint256 public records;
    mapping(address => uint256) public recorded;

    event Recorded(address indexed from, uint256 amount, uint256 total);

    error ZeroAmount();

    /// Adds amount to the caller's tally; reverts (ZeroAmount) when amount is 0.
    function record(uint256 amount) external payable {
        if (amount == 0) revert ZeroAmount();
        total += amount;
        records += 1;
        recorded[msg.sender] += amount;
        emit Recorded(msg.sender, amount, total);
    }

    /// Always reverts with a reason string.
    function fail() external pure {
        revert("Workload: fail() always reverts");
    }
}
