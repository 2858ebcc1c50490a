// SPDX-License-Identifier: Apache-2.0
// Source end of the demonstration cross-chain channel (src/crosschain, src/devchain/demo.ts). Compiled
// offline by tools/contracts/compile-crosschain.ts into src/crosschain/contracts.ts; never at run time.
pragma solidity 0.8.26;

contract Sender {
    /// Messages sent so far; part of the next message id.
    uint256 public nonce;

    /// A message for the counterparty chain; id is unique across chains and senders.
    event MessageSent(bytes32 indexed id, address to, bytes data);

    /// Sends data to `to` on the counterparty chain: emits MessageSent, which a relayer delivers.
    function send(address to, bytes calldata data) external returns (bytes32 id) {
        id = keccak256(abi.encode(block.chainid, address(this), msg.sender, nonce));
        nonce += 1;
        emit MessageSent(id, to, data);
    }
}
