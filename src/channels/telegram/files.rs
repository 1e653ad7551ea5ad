//! Photos people sent, downloaded back from Telegram: `getFile` gives a path (valid for an hour,
//! so it is asked for each time), then the file is fetched under the bot's file URL.

use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::FileId;
use teloxide::{ApiError, RequestError};

use crate::channels::pictures;
use crate::message::Picture;

/// The photo with `file_id`; Ok(None) when Telegram no longer has it, it is too big for a bot to
/// download, or it is not an image.
pub async fn photo(bot: &Bot, file_id: &str) -> anyhow::Result<Option<Picture>> {
    let file = match bot.get_file(FileId(file_id.to_owned())).await {
        Ok(file) => file,
        // Telegram refusing the id (gone, or from another bot): nothing to show. Telegram says
        // "invalid file_id", which teloxide knows by no name of its own.
        Err(RequestError::Api(ApiError::WrongFileId | ApiError::FileIdInvalid)) => {
            return Ok(None);
        }
        Err(RequestError::Api(ApiError::Unknown(reason))) if reason.contains("file") => {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if file.size as usize > pictures::MAX_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(file.size as usize);
    bot.download_file(&file.path, &mut bytes).await?;
    Ok(Picture::read(bytes))
}
