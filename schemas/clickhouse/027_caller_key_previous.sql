-- caller_key_previous: during a rotation of HOTLINE_CALLER_HASH_KEY the worker also hashes each
-- phone with HOTLINE_CALLER_HASH_KEY_PREVIOUS. Rows carrying both keys let the detectors link a
-- caller's tickets before and after the rotation (src/pipeline/derive.ts), also after a restart,
-- since the rebuild replays these rows. Empty outside a rotation. See README, "Personal data".
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS caller_key_previous String DEFAULT ''
        COMMENT 'During a key rotation: keyed hash of the caller phone under the previous key, empty otherwise | 轮换期间: 旧密钥下的诉求人标识(哈希)'
        AFTER caller_key;
