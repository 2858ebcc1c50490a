// SPDX-License-Identifier: Apache-2.0
// Destination end of the demonstration cross-chain channel (src/crosschain, src/devchain/demo.ts).
// Compiled offline by tools/contracts/compile-crosschain.ts into src/crosschain/contracts.ts.
pragma solidity 0.8.26;

contract Receiver {
    /// Message ids delivered so far.
    mapping(bytes32 => bool) public delivered;
    uint256 public count;

    /// A message was delivered (once per id).
    event MessageReceived(bytes32 indexed id);

    error AlreadyDelivered(bytes32 id);

    /// Delivers the message `id` sent on chain `sourceChainId` (relayers call this); a second delivery reverts.
    function deliver(bytes32 id, uint256 sourceChainId, address to, bytes calldata data) external {
        if (delivered[id]) revert AlreadyDelivered(id);
        delivered[id] = true;
        count += 1;
        // The demonstration application does nothing with the payload but deliver it.
        (sourceChainId, to, data);
        emit MessageReceived(id);
    }
}
